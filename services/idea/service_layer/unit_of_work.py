"""The unit of work the use cases take: one transaction for the change and its events."""

from __future__ import annotations

from contractgen.runtime.database import UnitOfWork
from generated.idea.events import IdeaEvent
from services.idea.adapters.repository import IdeaRepository


class IdeaUnitOfWork(UnitOfWork[IdeaEvent]):
    """`async with uow:` opens the transaction; `uow.ideas` works in it, and `uow.publish(event)`
    writes the event to the outbox in it. Leaving the block commits both, an error neither."""

    @property
    def ideas(self) -> IdeaRepository:
        return IdeaRepository(self.connection)
