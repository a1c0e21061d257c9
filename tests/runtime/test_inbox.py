"""The consumer's inbox on a real PostgreSQL: an event id is applied once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from contractgen.runtime.consumer import Dispatcher
from contractgen.runtime.inbox import inbox_table, prune, record_seen
from contractgen.runtime.kafka_consumer import ConsumerSettings, EventConsumer
from tests.conftest import free_port


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
                seen = await record_seen(connection, table, [(event_id, "t")])
                results.append(event_id not in seen)
        async with engine.begin() as connection:
            other = uuid.uuid4()
            results.append(other not in await record_seen(connection, table, [(other, "t")]))
        await engine.dispose()
        return results

    assert asyncio.run(run()) == [True, False, True]


@pytest.mark.postgres
def test_a_batch_is_recorded_in_one_statement_and_only_ids_seen_before_come_back(
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
            before = await record_seen(connection, table, [(seen, "t")])
        async with engine.begin() as connection:
            batch = [(seen, "t"), (new, "t"), (twice, "t"), (twice, "t")]
            after = await record_seen(connection, table, batch)
            rows = await connection.scalar(sa.select(sa.func.count()).select_from(table))
        await engine.dispose()
        return before, after, int(rows or 0)

    # Twice in one batch is not "seen before": the consumer applies its first occurrence.
    assert asyncio.run(run()) == (set(), {seen}, 3)


def _inbox_with_ages(url: str, ages: dict[uuid.UUID, timedelta]) -> sa.Table:
    """An inbox whose ids were received `age` ago each."""
    metadata = sa.MetaData()
    table = inbox_table(metadata)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    metadata.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(table),
            [{"event_id": i, "topic": "t", "received_at": now - age} for i, age in ages.items()],
        )
    engine.dispose()
    return table


def _ids(url: str, table: sa.Table) -> set[uuid.UUID]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        ids = set(connection.execute(sa.select(table.c.event_id)).scalars())
    engine.dispose()
    return ids


@pytest.mark.postgres
def test_pruning_deletes_only_ids_older_than_the_window_oldest_first_and_bounded(
    new_database: Callable[[str], str],
) -> None:
    url = new_database("inbox_prune")
    old = {uuid.uuid4(): timedelta(days=40 + n) for n in range(5)}
    young = {uuid.uuid4(): timedelta(days=29, hours=23), uuid.uuid4(): timedelta(seconds=1)}
    table = _inbox_with_ages(url, old | young)
    oldest_three = sorted(old, key=old.__getitem__, reverse=True)[:3]

    async def run() -> list[int]:
        engine = create_async_engine(url, poolclass=sa.NullPool)
        cutoff = datetime.now(UTC) - timedelta(days=30)
        counts = []
        for _ in range(3):
            async with engine.begin() as connection:
                counts.append(await prune(connection, table, cutoff, limit=3))
            if len(counts) == 1:
                left_after_first = _ids(url, table)
                assert not set(oldest_three) & left_after_first  # oldest first
        await engine.dispose()
        return counts

    assert asyncio.run(run()) == [3, 2, 0]
    assert _ids(url, table) == set(young)


@pytest.mark.postgres
def test_the_consumer_loop_prunes_in_bounded_rounds_and_survives_an_absent_database(
    new_database: Callable[[str], str],
) -> None:
    url = new_database("inbox_loop_prune")
    old = {uuid.uuid4(): timedelta(days=8) for _ in range(5)}
    young = {uuid.uuid4(): timedelta(days=6)}
    table = _inbox_with_ages(url, old | young)
    settings = ConsumerSettings(
        "127.0.0.1:1",  # never contacted: pruning needs only the database
        "prune-test",
        inbox_retention=timedelta(days=7),
        inbox_prune_batch=2,
        inbox_prune_max_batches=2,
    )

    async def run(database_url: str) -> list[int]:
        engine = create_async_engine(database_url, poolclass=sa.NullPool)
        consumer = EventConsumer(settings, Dispatcher(object(), []), engine, table)
        try:
            return [await consumer.prune_inbox(), await consumer.prune_inbox()]
        finally:
            await engine.dispose()

    assert asyncio.run(run(url)) == [4, 1]  # two statements of two, then the rest
    assert _ids(url, table) == set(young)
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    assert asyncio.run(run(nowhere)) == [0, 0]
