"""The consumer's inbox on a real PostgreSQL: an event id is applied once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from contractgen.runtime.inbox import inbox_table, record_new


@pytest.mark.postgres
def test_an_event_id_is_recorded_once(new_database: Callable[[str], str]) -> None:
    url = new_database("inbox")
    metadata = sa.MetaData()
    table = inbox_table(metadata)
    metadata.create_all(sa.create_engine(url, poolclass=sa.NullPool))
    event_id = uuid.uuid4()

    async def run() -> list[bool]:
        engine = create_async_engine(url, poolclass=sa.NullPool)
        results = []
        for _ in range(2):
            async with engine.begin() as connection:
                results.append(event_id in await record_new(connection, table, [(event_id, "t")]))
        async with engine.begin() as connection:
            other = uuid.uuid4()
            results.append(other in await record_new(connection, table, [(other, "t")]))
        await engine.dispose()
        return results

    assert asyncio.run(run()) == [True, False, True]


@pytest.mark.postgres
def test_a_batch_is_recorded_in_one_statement_and_only_first_timers_come_back(
    new_database: Callable[[str], str],
) -> None:
    url = new_database("inbox_batch")
    metadata = sa.MetaData()
    table = inbox_table(metadata)
    metadata.create_all(sa.create_engine(url, poolclass=sa.NullPool))
    seen, new, twice = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    async def run() -> tuple[set[uuid.UUID], set[uuid.UUID], int]:
        engine = create_async_engine(url, poolclass=sa.NullPool)
        async with engine.begin() as connection:
            before = await record_new(connection, table, [(seen, "t")])
        async with engine.begin() as connection:
            batch = [(seen, "t"), (new, "t"), (twice, "t"), (twice, "t")]
            after = await record_new(connection, table, batch)
            rows = await connection.scalar(sa.select(sa.func.count()).select_from(table))
        await engine.dispose()
        return before, after, int(rows or 0)

    assert asyncio.run(run()) == ({seen}, {new, twice}, 3)
