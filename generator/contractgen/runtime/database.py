"""Engines and the unit of work: one transaction holds a change and the events it publishes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Generic, Self, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from contractgen.runtime.avro import Event
from contractgen.runtime.outbox import Outbox
from contractgen.runtime.statements import Statement, begin, finish
from contractgen.runtime.writes import Writes

E = TypeVar("E", bound=Event)


# Up to 20 connections, each kept once opened. No overflow: SQLAlchemy closes an overflow
# connection when it comes back to a full pool, so a service serving more requests at once than
# `pool_size` (10 + 10 overflow before) opened and closed a connection every few requests, about
# a tenth of its CPU and a PostgreSQL backend started each time. A 21st request at once waits for
# a connection (`pool_timeout`, 30 s), as it waited before for the 21st.
POOL_SIZE = 20


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """An async engine with pool settings that suit a small service; options override them."""
    settings: dict[str, Any] = {"pool_size": POOL_SIZE, "max_overflow": 0, "pool_pre_ping": False}
    settings.update(options)
    return create_async_engine(url, **settings)


async def database_ready(engine: AsyncEngine) -> bool:
    """True when the database answers a trivial query (for /readyz)."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


class UnitOfWork(Generic[E]):
    """`async with uow:` opens a transaction; `publish` writes events into it; leaving the block
    commits, an exception rolls everything back (the change and its events alike).

    Lent a connection (`lent`: the consumer loop's transaction, which also records the event id
    in the inbox), it works in that transaction and leaves committing to the lender; `writes` is
    where the loop collects rows to insert for the whole batch at once. Every service's use cases
    take this one shape; a service subclasses it only to name its repositories."""

    def __init__(
        self,
        engine: AsyncEngine,
        outbox: Outbox[E] | None = None,
        *,
        lent: AsyncConnection | None = None,
        writes: Writes | None = None,
    ) -> None:
        self._engine = engine
        self._outbox = outbox
        self._lent = lent
        self._writes = writes
        self._connection: AsyncConnection | None = None
        self._last: list[tuple[Statement, dict[str, Any]]] = []

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use `async with uow:`")
        return self._connection

    @property
    def writes(self) -> Writes | None:
        """The consumer loop's batch of deferred inserts, when lent one."""
        return self._writes

    async def publish(self, event: E) -> None:
        """Write `event` to the outbox, then delete its row again, both in this transaction:
        the WAL keeps the INSERT for Debezium, the table keeps nothing. One statement per event
        (never a multi-row INSERT: Debezium 3.6.1 can skip rows sharing one LSN on restart)."""
        if self._outbox is None:
            raise RuntimeError("this unit of work has no outbox: the service publishes no events")
        if self._lent is not None:  # the lender commits: write now, in its transaction
            await self._outbox.write(self.connection, event)
        else:  # sent with the COMMIT, in its round trip (statements.finish)
            self._last.extend(self._outbox.statements(event))

    async def __aenter__(self) -> Self:
        if self._lent is not None:
            self._connection = self._lent
            return self
        self._connection = await begin(self._engine)
        return self

    async def __aexit__(self, kind: object, error: object, traceback: object) -> None:
        connection, self._connection = self.connection, None
        if connection is self._lent:
            return
        last, self._last = self._last, []
        await finish(connection, commit=error is None, last=last)


@asynccontextmanager
async def read_only(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for queries that change nothing."""
    async with engine.connect() as connection:
        yield connection


def disposing(engine: AsyncEngine) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A lifespan for `create_app` that disposes of the engine's pool when the server stops."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await engine.dispose()

    return lifespan
