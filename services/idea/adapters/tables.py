"""The service's tables: ideas, and the outbox its Debezium connector reads."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    String,
    Table,
)

from contractgen.runtime.tables import new_metadata
from generated.idea.outbox import IdeaOutbox
from services.idea.domain.ideas import DESCRIPTION_MAX, NAME_MAX

metadata = new_metadata()

idea = Table(
    "idea",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("organization_id", BigInteger, nullable=False),
    # VARCHAR(n) counts characters on PostgreSQL, as the contract's maxLength does.
    Column("name", String(NAME_MAX), nullable=False),
    Column("description", String(DESCRIPTION_MAX), nullable=False),
    Column("created_on", DateTime(timezone=True), nullable=False),
    Column("last_updated", DateTime(timezone=True), nullable=False),
    CheckConstraint("last_updated >= created_on", name="last_updated_not_before_created_on"),
)

# An organization's ideas, newest first: the list's order, and its count, from one index.
Index(
    "ix_idea_organization_id_created_on_id",
    idea.c.organization_id,
    idea.c.created_on.desc(),
    idea.c.id.desc(),
)

outbox = IdeaOutbox(metadata)
