"""The service's tables: the activities, and the inbox of event ids its consumer has applied."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    String,
    Table,
    Uuid,
)

from contractgen.runtime.inbox import inbox_table
from contractgen.runtime.tables import new_metadata
from services.activity.domain.activities import TYPE_MAX

metadata = new_metadata()

activity = Table(
    "activity",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    # Unique: an event delivered twice is recorded once.
    Column("event_id", Uuid(), nullable=False, unique=True),
    Column("organization_id", BigInteger, nullable=False),
    Column("type", String(TYPE_MAX), nullable=False),
    # The Kafka key, as long as its producer made it.
    Column("aggregate_id", String(), nullable=False),
    Column("occurred_on", DateTime(timezone=True), nullable=False),
    # json, not jsonb: it keeps the event's field order and any text it carries (jsonb refuses
    # \u0000), and the feed never queries inside a payload.
    Column("payload", JSON(), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

# An organization's feed, newest first: its order and its count from one index; the same for
# one type of activity.
Index(
    "ix_activity_organization_id_occurred_on_id",
    activity.c.organization_id,
    activity.c.occurred_on.desc(),
    activity.c.id.desc(),
)
Index(
    "ix_activity_organization_id_type_occurred_on_id",
    activity.c.organization_id,
    activity.c.type,
    activity.c.occurred_on.desc(),
    activity.c.id.desc(),
)

# The consumer loop records each applied event id here, in the transaction of its activity.
inbox = inbox_table(metadata)
