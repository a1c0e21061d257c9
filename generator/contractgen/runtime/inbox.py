"""The consumer's inbox: event ids already applied, recorded in the handler's own transaction.

An id only has to be remembered for as long as its event can be delivered again, i.e. while it
is still in its topic. The consumer loop prunes ids older than a window (`prune`, periodic and
bounded per statement) that must be longer than the longest retention of the topics it reads,
plus Kafka's segment roll (a record lives until its whole segment expires): see
`DEFAULT_INBOX_RETENTION`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
    delete,
    insert,
    select,
    text,
)
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


# PostgreSQL: the batch's ids travel as ONE parameter (a JSON array), are inserted, and only the
# ids that were there before come back; usually none, so nothing has to be read. (A multi-row
# VALUES would be a statement with three parameters per row, built and sent anew per batch.)
_RECORD_PG = """
WITH batch AS (
    SELECT DISTINCT ON (b.event_id) b.event_id, b.topic
    FROM json_to_recordset(CAST(:batch AS json)) AS b(event_id uuid, topic text)
), inserted AS (
    INSERT INTO {table} (event_id, topic, received_at)
    SELECT event_id, topic, :now FROM batch
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id
)
SELECT event_id FROM batch EXCEPT ALL SELECT event_id FROM inserted
"""


async def record_seen(
    connection: AsyncConnection, table: Table, events: Sequence[tuple[uuid.UUID, str]]
) -> set[uuid.UUID]:
    """Record a batch of (event id, topic) in one statement; the ids that were recorded BEFORE
    come back (redeliveries: apply nothing for them). An id twice in the batch is recorded once
    and is not "seen before": the caller applies its first occurrence only."""
    if not events:
        return set()
    now = datetime.now(UTC)
    if connection.dialect.name == "postgresql":
        batch = json.dumps([{"event_id": str(i), "topic": t} for i, t in events])
        quoted = connection.dialect.identifier_preparer.format_table(table)
        result = await connection.execute(
            text(_RECORD_PG.format(table=quoted)), {"batch": batch, "now": now}
        )
        return {row[0] for row in result}
    # Elsewhere: which are known, then insert the others (one executemany).
    ids = {event_id for event_id, _ in events}
    known = set(
        (await connection.execute(select(table.c.event_id).where(table.c.event_id.in_(ids))))
        .scalars()
        .all()
    )
    fresh = {i: t for i, t in events if i not in known}
    if fresh:
        await connection.execute(
            insert(table),
            [{"event_id": i, "topic": t, "received_at": now} for i, t in fresh.items()],
        )
    return known


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
