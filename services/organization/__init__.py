"""The organization service: organizations, their departments, roles and members.

Hand-written business logic on top of `generated.organization`; `bootstrap.build_app` wires it.
"""
