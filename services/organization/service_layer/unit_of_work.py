"""The unit of work the use cases take."""

from __future__ import annotations

from typing import TypeVar

from contractgen.runtime.database import UnitOfWork
from generated.organization.events import OrganizationEvent

T = TypeVar("T")

OrganizationUnitOfWork = UnitOfWork[OrganizationEvent]
"""`publish(event)` writes the event to the outbox in the unit of work's transaction."""


def read_back(thing: T | None) -> T:
    """A row this transaction wrote, read back for the response."""
    if thing is None:
        raise RuntimeError("a row written in this transaction is missing")
    return thing
