"""What can go wrong in the domain; the entry points turn each kind into an HTTP problem."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; the message is safe to show to the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """A value the contract may let through but the service cannot store (e.g. a NUL character)."""


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know that it does."""


class UnknownOrganization(NotFound):
    def __init__(self, organization_id: int) -> None:
        super().__init__(f"Organization {organization_id} does not exist.")


class UnknownMember(NotFound):
    def __init__(self, organization_id: int, member_id: int) -> None:
        super().__init__(f"Organization {organization_id} has no member {member_id}.")


class NameTaken(DomainError):
    def __init__(self, kind: str, organization_id: int, name: str) -> None:
        super().__init__(f"Organization {organization_id} already has a {kind} named {name!r}.")


class OutsideOrganization(DomainError):
    """A reference to something that is not part of the organization (or does not exist at all:
    the two read the same, so a caller cannot probe other organizations' ids)."""

    def __init__(self, kind: str, thing_id: int, organization_id: int) -> None:
        super().__init__(
            f"{kind.capitalize()} {thing_id} does not belong to organization {organization_id}."
        )
