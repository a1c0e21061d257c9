"""The unit of work the use cases take: its own transaction, or one it is lent."""

from __future__ import annotations

from typing import Protocol, Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contractgen.runtime.writes import Writes
from services.activity.adapters.repository import ActivityRepository


class ActivityUnitOfWork:
    """`async with uow:` gives `uow.activities` in one transaction. Without `lent`, the unit of
    work opens it and, leaving the block, commits it (rolls it back on an error). With `lent`
    (the consumer loop's transaction, which also records the event id in the inbox) it works
    in that one and leaves committing to the lender; with `writes` as well, new activities are
    handed to the loop, which inserts the whole batch's at once."""

    def __init__(
        self,
        engine: AsyncEngine,
        lent: AsyncConnection | None = None,
        writes: Writes | None = None,
    ) -> None:
        self._engine = engine
        self._lent = lent
        self._writes = writes
        self._connection: AsyncConnection | None = None

    @property
    def activities(self) -> ActivityRepository:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use `async with uow:`")
        return ActivityRepository(self._connection, self._writes)

    async def __aenter__(self) -> Self:
        if self._lent is not None:
            self._connection = self._lent
        else:
            self._connection = await self._engine.connect()
            await self._connection.begin()
        return self

    async def __aexit__(self, kind: object, error: object, traceback: object) -> None:
        connection, self._connection = self._connection, None
        if connection is None or connection is self._lent:
            return
        try:
            if error is None:
                await connection.commit()
            else:
                await connection.rollback()
        finally:
            await connection.close()


class UnitOfWorkFactory(Protocol):
    def __call__(
        self, lent: AsyncConnection | None = None, writes: Writes | None = None
    ) -> ActivityUnitOfWork: ...
