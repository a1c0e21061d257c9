"""Activities and the consumer's inbox.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("aggregate_id", sa.String(), nullable=False),
        sa.Column("occurred_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_activity"),
        sa.UniqueConstraint("event_id", name="uq_activity_event_id"),
    )
    op.create_index(
        "ix_activity_organization_id_occurred_on_id",
        "activity",
        ["organization_id", sa.text("occurred_on DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "ix_activity_organization_id_type_occurred_on_id",
        "activity",
        ["organization_id", "type", sa.text("occurred_on DESC"), sa.text("id DESC")],
    )
    # The consumer's inbox, as contractgen.runtime.inbox defines it.
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_inbox"),
    )


def downgrade() -> None:
    op.drop_table("inbox")
    op.drop_index("ix_activity_organization_id_type_occurred_on_id", table_name="activity")
    op.drop_index("ix_activity_organization_id_occurred_on_id", table_name="activity")
    op.drop_table("activity")
