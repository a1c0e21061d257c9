"""The consumer's inbox: event ids already applied, recorded in the handler's own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

INBOX_TABLE = "inbox"


def inbox_table(metadata: MetaData, name: str = INBOX_TABLE) -> Table:
    return Table(
        name,
        metadata,
        Column("event_id", Uuid(), primary_key=True),
        Column("topic", String(255), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False),
    )


async def record_new(
    connection: AsyncConnection, table: Table, events: Sequence[tuple[uuid.UUID, str]]
) -> set[uuid.UUID]:
    """Record a batch of (event id, topic) in one statement; the ids recorded for the first
    time come back (a redelivered one does not: apply nothing for it)."""
    if not events:
        return set()
    now = datetime.now(UTC)
    rows = [
        {"event_id": event_id, "topic": topic, "received_at": now} for event_id, topic in events
    ]
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(table.c.event_id)
    )
    result = await connection.execute(statement.values(rows))
    return {row[0] for row in result}
