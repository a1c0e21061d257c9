"""Organizations, departments, roles, members and the outbox.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mssql
from sqlalchemy.schema import SchemaItem

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def text(max_length: int) -> sa.types.TypeEngine[str]:
    # NVARCHAR counts UTF-16 code units; the contract counts characters (see adapters/tables.py).
    return sa.Unicode(max_length).with_variant(mssql.NVARCHAR(2 * max_length), "mssql")


def ident() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False)


def organization_id(table: str) -> list[SchemaItem]:
    return [
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=f"fk_{table}_organization_id_organization",
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "organization",
        ident(),
        sa.Column("name", text(50), nullable=False),
        sa.Column("description", text(200), nullable=False),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organization"),
    )
    for table, name_length in (("department", 50), ("role", 100)):
        op.create_table(
            table,
            ident(),
            *organization_id(table),
            sa.Column("name", text(name_length), nullable=False),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
            sa.UniqueConstraint("organization_id", "name", name=f"uq_{table}_organization_id_name"),
            sa.UniqueConstraint("organization_id", "id", name=f"uq_{table}_organization_id_id"),
        )
    op.create_table(
        "member",
        ident(),
        *organization_id("member"),
        sa.Column("name", text(150), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_member"),
        sa.ForeignKeyConstraint(
            ["organization_id", "role_id"],
            ["role.organization_id", "role.id"],
            name="fk_member_organization_id_role_id_role",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "department_id"],
            ["department.organization_id", "department.id"],
            name="fk_member_organization_id_department_id_department",
        ),
    )
    op.create_index("ix_member_organization_id_id", "member", ["organization_id", "id"])
    # The transactional outbox, as contractgen.runtime.outbox defines it (Debezium reads it).
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("aggregatetype", sa.String(255), nullable=False),
        sa.Column("aggregateid", sa.String(255), nullable=False),
        sa.Column("type", sa.String(255), nullable=False),
        sa.Column(
            "payload",
            sa.LargeBinary().with_variant(mssql.VARBINARY("max"), "mssql"),  # type: ignore[no-untyped-call]
            nullable=False,
        ),
        sa.Column("schema_id", sa.String(255), nullable=False),
        sa.Column("traceparent", sa.String(55), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_index("ix_member_organization_id_id", table_name="member")
    for table in ("member", "role", "department", "organization"):
        op.drop_table(table)
