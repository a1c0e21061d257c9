"""What can go wrong when a caller reads a feed, each with a message fit for that caller."""

from __future__ import annotations


class ActivityError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ActivityError):
    """A value breaks a rule of the domain."""


class UnknownOrganization(ActivityError):
    """The caller does not belong to the organization (whether it exists is not said)."""

    def __init__(self, organization_id: int) -> None:
        super().__init__(f"Organization {organization_id} was not found.")
