"""The creator of each organization: it can read and manage the organization at once.

Revision ID: 0002
Revises: 0001

Organizations created before this revision have no creator (NULL): only tokens that name them
see them, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mssql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "organization",
        sa.Column(
            "created_by",
            # NVARCHAR counts UTF-16 code units (see adapters/tables.py).
            sa.Unicode(255).with_variant(mssql.NVARCHAR(510), "mssql"),
            nullable=True,
        ),
    )
    op.create_index("ix_organization_created_by", "organization", ["created_by"])


def downgrade() -> None:
    op.drop_index("ix_organization_created_by", table_name="organization")
    op.drop_column("organization", "created_by")
