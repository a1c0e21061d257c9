"""The transactional outbox: the table Debezium's Outbox Event Router reads, and the insert that fills it.

Columns `id`, `aggregatetype`, `aggregateid`, `type` and `payload` are the router's defaults;
`aggregatetype` holds the channel address so the router sends each row to its AsyncAPI topic.
`schema_id`, `traceparent` and `occurred_at` travel as Kafka headers. The payload is
Confluent-framed Avro (`0x00` + schema id + body, see `contractgen.runtime.registry`); Debezium
passes it through.

The table stays empty: `UnitOfWork.publish` inserts each event's row and deletes it again in the
same transaction. Debezium reads the WAL, which still carries the INSERT; the DELETE after it is
skipped by the connector (`skipped.operations`, see contractgen.gen.connectors) and would be
dropped by the Outbox Event Router anyway (3.6.1: "Delete message ... ignored", at DEBUG level).
So the outbox never grows, and nothing has to clean it up. To see what a service published,
decode the WAL (contractgen.testing.outbox), not the table.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Column,
    DateTime,
    Delete,
    Insert,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    delete,
    insert,
)
from sqlalchemy.dialects import mssql
from sqlalchemy.ext.asyncio import AsyncConnection

from contractgen.outbox_wire import OUTBOX_TABLE
from contractgen.runtime.avro import Event
from contractgen.runtime.registry import encode_event
from contractgen.runtime.statements import Statement, run_pipelined
from contractgen.runtime.tracing import current_traceparent

# bytea on PostgreSQL; VARBINARY(max) on SQL Server (LargeBinary alone means the deprecated IMAGE).
PAYLOAD = LargeBinary().with_variant(mssql.VARBINARY("max"), "mssql")  # type: ignore[no-untyped-call]
E = TypeVar("E", bound=Event)


def outbox_table(metadata: MetaData, name: str = OUTBOX_TABLE, schema: str | None = None) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Uuid(), primary_key=True),
        Column("aggregatetype", String(255), nullable=False),
        Column("aggregateid", String(255), nullable=False),
        Column("type", String(255), nullable=False),
        Column("payload", PAYLOAD, nullable=False),
        Column("schema_id", String(255), nullable=False),
        Column("traceparent", String(55), nullable=True),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        schema=schema,
    )


def outbox_row(
    event: Event, *, event_id: uuid.UUID | None = None, occurred_at: datetime | None = None
) -> dict[str, Any]:
    """The outbox row of one event: the columns Debezium's Outbox Event Router reads."""
    return {
        "id": event_id or uuid.uuid4(),
        "aggregatetype": event.__topic__,
        "aggregateid": event.aggregate_id(),
        "type": event.event_type(),
        "payload": encode_event(event),
        "schema_id": event.avro_schema().schema_id,
        "traceparent": current_traceparent(),
        "occurred_at": occurred_at or datetime.now(UTC),
    }


def outbox_insert(
    table: Table,
    event: Event,
    *,
    event_id: uuid.UUID | None = None,
    occurred_at: datetime | None = None,
) -> Insert:
    """One INSERT per event, to run in the caller's transaction (never a multi-row insert:
    rows sharing one LSN can be skipped by Debezium 3.6.1 after a restart)."""
    return insert(table).values(outbox_row(event, event_id=event_id, occurred_at=occurred_at))


class Outbox(Generic[E]):
    """A service's outbox table; generated subclasses fix the event type `E`."""

    def __init__(
        self, metadata: MetaData, name: str = OUTBOX_TABLE, schema: str | None = None
    ) -> None:
        self.table = outbox_table(metadata, name, schema)
        # Built once and run with each event's row (`outbox_row`): cheaper than building an
        # INSERT per event on the request path.
        self.statement = insert(self.table)
        self.delete_statement: Delete = delete(self.table).where(
            self.table.c.id == bindparam("outbox_id")
        )
        self._insert = Statement(self.statement)
        self._delete = Statement(self.delete_statement)

    def statements(self, event: E) -> list[tuple[Statement, dict[str, Any]]]:
        """The event's row inserted, then deleted again (see the module's docstring)."""
        row = outbox_row(event)
        return [(self._insert, row), (self._delete, {"outbox_id": row["id"]})]

    async def write(self, connection: AsyncConnection, event: E) -> None:
        """Insert the event's row and delete it again, in the connection's transaction and one
        round trip."""
        await run_pipelined(connection, self.statements(event))

    def insert(self, event: E, *, event_id: uuid.UUID | None = None) -> Insert:
        """The bare INSERT (the row stays until deleted): prefer `UnitOfWork.publish`."""
        return outbox_insert(self.table, event, event_id=event_id)
