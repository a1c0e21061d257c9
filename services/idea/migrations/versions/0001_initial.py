"""Ideas and the outbox.

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
        "idea",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_idea"),
        sa.CheckConstraint(
            "last_updated >= created_on", name="ck_idea_last_updated_not_before_created_on"
        ),
    )
    op.create_index(
        "ix_idea_organization_id_created_on_id",
        "idea",
        ["organization_id", sa.text("created_on DESC"), sa.text("id DESC")],
    )
    # The transactional outbox, as contractgen.runtime.outbox defines it (Debezium reads it).
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("aggregatetype", sa.String(255), nullable=False),
        sa.Column("aggregateid", sa.String(255), nullable=False),
        sa.Column("type", sa.String(255), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("schema_id", sa.String(255), nullable=False),
        sa.Column("traceparent", sa.String(55), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_index("ix_idea_organization_id_created_on_id", table_name="idea")
    op.drop_table("idea")
