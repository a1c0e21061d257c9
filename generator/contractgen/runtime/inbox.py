"""The consumer's inbox: event ids already applied, recorded in the handler's own transaction.

An id only has to be remembered for as long as its event can be delivered again, i.e. while it
is still in its topic. The consumer loop prunes ids older than a window (`prune`, periodic and
bounded per statement) that must be longer than the longest retention of the topics it reads,
plus Kafka's segment roll (a record lives until its whole segment expires): see
`DEFAULT_INBOX_RETENTION`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, Uuid, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

INBOX_TABLE = "inbox"
# 30 days: the platform's topics keep 7 days (`retention.ms`), and Kafka deletes a record only
# with its whole segment, which rolls every 7 days by default (`segment.ms`), so a record can
# be read for up to ~14 days; a consumer group whose offsets expired (7 days idle) re-reads all
# of that from the start. 30 days leaves more than twice the margin.
DEFAULT_INBOX_RETENTION = timedelta(days=30)
DEFAULT_PRUNE_INTERVAL_SECONDS = 600.0


def inbox_table(metadata: MetaData, name: str = INBOX_TABLE) -> Table:
    return Table(
        name,
        metadata,
        Column("event_id", Uuid(), primary_key=True),
        Column("topic", String(255), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False),
        # The pruning walks the oldest ids first.
        Index(f"ix_{name}_received_at", "received_at"),
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


async def prune(
    connection: AsyncConnection, table: Table, older_than: datetime, limit: int = 10_000
) -> int:
    """Delete up to `limit` ids received before `older_than` (oldest first) in one statement;
    how many went. Bounded, so that a large backlog is pruned in short transactions."""
    oldest = (
        select(table.c.event_id)
        .where(table.c.received_at < older_than)
        .order_by(table.c.received_at)
        .limit(limit)
    )
    result = await connection.execute(delete(table).where(table.c.event_id.in_(oldest)))
    return int(result.rowcount or 0)
