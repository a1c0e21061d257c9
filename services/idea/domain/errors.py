"""What can go wrong in the domain, each with a message fit for a caller."""

from __future__ import annotations


class IdeaError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(IdeaError):
    """A value breaks a rule of the domain."""


class UnknownOrganization(IdeaError):
    """The caller does not belong to the organization (whether it exists is not said)."""

    def __init__(self, organization_id: int) -> None:
        super().__init__(f"Organization {organization_id} was not found.")


class UnknownIdea(IdeaError):
    """The organization has no idea with this id."""

    def __init__(self, organization_id: int, idea_id: int) -> None:
        super().__init__(f"Organization {organization_id} has no idea {idea_id}.")
