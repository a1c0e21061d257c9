"""The outbox row that publishing writes, on a real PostgreSQL, and its DDL for SQL Server; the
unit of work that deletes it again in the same transaction, and the WAL that still carries it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, postgresql
from sqlalchemy.schema import CreateTable

from contractgen.runtime.database import UnitOfWork, create_engine
from contractgen.runtime.outbox import outbox_insert, outbox_table
from contractgen.runtime.tracing import set_traceparent
from contractgen.testing.outbox import outbox_log, start_outbox_log, stop_outbox_log
from generated.idea.events import IdeaCreated, IdeaUpdated
from generated.idea.outbox import IdeaOutbox

EVENT = IdeaCreated(
    idea_id=42,
    organization_id=7,
    name="Fewer meetings",
    description="Try one day a week without meetings.",
    created_on=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
)


@pytest.mark.postgres
def test_publish_writes_one_row_in_the_callers_transaction(
    new_database: Callable[[str], str],
) -> None:
    engine = sa.create_engine(new_database("outbox"))
    metadata = sa.MetaData()
    outbox = IdeaOutbox(metadata)
    metadata.create_all(engine)
    traceparent = set_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")

    with engine.begin() as connection:
        connection.execute(outbox.insert(EVENT))
    with engine.connect() as connection:
        row = connection.execute(sa.select(outbox.table)).one()._mapping

    assert row["aggregatetype"] == "microservicesapp.idea.events"
    assert row["aggregateid"] == "42"
    assert row["type"] == "IdeaCreated"
    assert IdeaCreated.from_framed(row["payload"]) == EVENT
    assert row["schema_id"] == IdeaCreated.avro_schema().schema_id
    assert row["traceparent"] == traceparent
    assert row["occurred_at"].tzinfo is not None
    assert abs((datetime.now(UTC) - row["occurred_at"]).total_seconds()) < 60


@pytest.mark.postgres
def test_a_rolled_back_transaction_leaves_no_event(new_database: Callable[[str], str]) -> None:
    engine = sa.create_engine(new_database("outbox"))
    metadata = sa.MetaData()
    table = outbox_table(metadata)
    metadata.create_all(engine)

    with pytest.raises(RuntimeError), engine.begin() as connection:
        connection.execute(outbox_insert(table, EVENT))
        raise RuntimeError("the business change failed after publishing")
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0


def test_outbox_ddl_has_debeziums_columns_for_both_databases() -> None:
    table = outbox_table(sa.MetaData())
    assert [c.name for c in table.columns][:5] == [
        "id",
        "aggregatetype",
        "aggregateid",
        "type",
        "payload",
    ]
    pg = str(CreateTable(table).compile(dialect=postgresql.dialect()))
    assert "id UUID NOT NULL" in pg and "payload BYTEA NOT NULL" in pg
    ms = str(CreateTable(table).compile(dialect=mssql.dialect()))
    assert "id UNIQUEIDENTIFIER NOT NULL" in ms and "payload VARBINARY(max) NOT NULL" in ms
    insert = outbox_insert(table, EVENT).compile(dialect=mssql.dialect())
    assert str(insert).startswith("INSERT INTO outbox")


@pytest.mark.postgres
def test_the_unit_of_work_leaves_the_table_empty_and_the_wal_carries_each_insert_once(
    new_database: Callable[[str], str],
) -> None:
    """Bounded outbox: each row is deleted in the transaction that inserted it; what Debezium
    reads (the committed INSERTs in the WAL) is all there, bytes included, one per event,
    and a rolled-back unit of work is not in it."""
    url = new_database("outbox_uow")
    blocking = sa.create_engine(url, poolclass=sa.NullPool)
    metadata = sa.MetaData()
    outbox = IdeaOutbox(metadata)
    metadata.create_all(blocking)
    updated = IdeaUpdated(
        idea_id=42,
        organization_id=7,
        name="It's \\ 'quoted'",
        description="d",
        last_updated=datetime(2026, 3, 2, tzinfo=UTC),
    )
    start_outbox_log(url)
    try:

        async def publish() -> None:
            engine = create_engine(url)
            try:
                async with UnitOfWork(engine, outbox) as uow:
                    await uow.publish(EVENT)
                    await uow.publish(updated)
                with pytest.raises(RuntimeError):
                    async with UnitOfWork(engine, outbox) as uow:
                        await uow.publish(EVENT)
                        raise RuntimeError("the business change failed after publishing")
            finally:
                await engine.dispose()

        asyncio.run(publish())
        written = outbox_log(url)
    finally:
        stop_outbox_log(url)

    with blocking.connect() as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(outbox.table)).scalar() == 0
        )
    blocking.dispose()
    assert [row.type for row in written] == ["IdeaCreated", "IdeaUpdated"]
    assert IdeaCreated.from_framed(written[0].payload) == EVENT
    assert IdeaUpdated.from_framed(written[1].payload) == updated
    assert [row.aggregateid for row in written] == ["42", "42"]
    assert written[0].aggregatetype == "microservicesapp.idea.events"
    assert written[0].schema_id == IdeaCreated.avro_schema().schema_id
    assert written[0].occurred_at.tzinfo is not None
    assert len({row.id for row in written}) == 2
