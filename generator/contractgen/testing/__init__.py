"""Test support for services built with contractgen (needs the `dev` extra: schemathesis)."""
