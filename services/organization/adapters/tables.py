"""The service's tables, one MetaData for PostgreSQL and SQL Server alike.

Portable on purpose: BIGINT identity ids, DATETIMEOFFSET / timestamptz, and named constraints
(SQL Server would otherwise invent names, and the repository recognises a unique violation by
its constraint's name on both databases).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Table,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.dialects import mssql
from sqlalchemy.types import TypeEngine

from contractgen.runtime.tables import new_metadata
from generated.organization.outbox import OrganizationOutbox
from services.organization.domain import departments, members, organizations, roles


def text(max_length: int) -> TypeEngine[str]:
    """VARCHAR(n) on PostgreSQL (n characters); NVARCHAR(2n) on SQL Server, whose n counts UTF-16
    code units: a character outside the BMP takes two, and the contract counts characters."""
    return Unicode(max_length).with_variant(mssql.NVARCHAR(2 * max_length), "mssql")


def _id() -> Column[int]:
    return Column("id", BigInteger, Identity(), primary_key=True)


def _organization_id() -> Column[int]:
    return Column("organization_id", BigInteger, ForeignKey("organization.id"), nullable=False)


CREATED_BY_MAX = 255

metadata = new_metadata()

organization = Table(
    "organization",
    metadata,
    _id(),
    Column("name", text(organizations.NAME_MAX), nullable=False),
    Column("description", text(organizations.DESCRIPTION_MAX), nullable=False),
    Column("created_on", DateTime(timezone=True), nullable=False),
    # The token subject that created it: it sees the organization before a token names it.
    Column("created_by", text(CREATED_BY_MAX), nullable=True),
    Index(None, "created_by"),
)

department = Table(
    "department",
    metadata,
    _id(),
    _organization_id(),
    Column("name", text(departments.NAME_MAX), nullable=False),
    UniqueConstraint("organization_id", "name"),
    # Lists by organization in id order; and the target of member's same-organization key.
    UniqueConstraint("organization_id", "id"),
)

role = Table(
    "role",
    metadata,
    _id(),
    _organization_id(),
    Column("name", text(roles.NAME_MAX), nullable=False),
    UniqueConstraint("organization_id", "name"),
    UniqueConstraint("organization_id", "id"),
)

member = Table(
    "member",
    metadata,
    _id(),
    _organization_id(),
    Column("name", text(members.NAME_MAX), nullable=False),
    Column("role_id", BigInteger, nullable=False),
    Column("department_id", BigInteger, nullable=False),
    # The database, too, refuses a role or department of another organization.
    ForeignKeyConstraint(["organization_id", "role_id"], ["role.organization_id", "role.id"]),
    ForeignKeyConstraint(
        ["organization_id", "department_id"], ["department.organization_id", "department.id"]
    ),
    Index(None, "organization_id", "id"),
)

outbox = OrganizationOutbox(metadata)

DEPARTMENT_NAME_UNIQUE = "uq_department_organization_id_name"
ROLE_NAME_UNIQUE = "uq_role_organization_id_name"
