"""The unit of work the use cases take: the framework's, with the feed's repository."""

from __future__ import annotations

from typing import Never, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from contractgen.runtime.database import UnitOfWork
from contractgen.runtime.writes import Writes
from services.activity.adapters.repository import ActivityRepository


class ActivityUnitOfWork(UnitOfWork[Never]):
    """`async with uow:` gives `uow.activities` in one transaction: its own, or the consumer
    loop's when lent one (with `writes`, new activities join the loop's batch insert)."""

    @property
    def activities(self) -> ActivityRepository:
        return ActivityRepository(self.connection, self.writes)


class UnitOfWorkFactory(Protocol):
    def __call__(
        self, *, lent: AsyncConnection | None = None, writes: Writes | None = None
    ) -> ActivityUnitOfWork: ...
