"""SQL Server, the production database: DDL, migration script and queries compile for it."""

from __future__ import annotations

import inspect
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy.dialects import mssql
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql import ClauseElement

from contractgen.runtime.paging import PageRequest
from generated.organization.events import RoleCreated
from services.organization.adapters import queries
from services.organization.adapters.tables import department, member, metadata, outbox, role
from services.organization.bootstrap import SERVICE
from services.organization.domain.departments import NewDepartment
from services.organization.domain.members import NewMember
from services.organization.domain.organizations import NewOrganization
from services.organization.domain.roles import NewRole

MSSQL_URL = (
    "mssql+pyodbc://app:secret@sqlserver:1433/organization?driver=ODBC+Driver+18+for+SQL+Server"
)
PAGE = PageRequest(limit=20, offset=40)
NOW = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
PAGED = {"select_organizations", "select_in_organization"}

QUERIES: dict[str, Any] = {
    "insert_organization": queries.insert_organization(
        NewOrganization("Acme", "Anvils.", NOW, "ada")
    ),
    "insert_department": queries.insert_department(NewDepartment(1, "Engineering")),
    "insert_role": queries.insert_role(NewRole(1, "Software engineer")),
    "insert_member": queries.insert_member(NewMember(1, "Ada", 5, 3)),
    "select_organization": queries.select_organization(1),
    "select_organizations": queries.select_organizations([1, 2, 3], "ada", PAGE),
    "count_organizations": queries.count_organizations([1, 2, 3], "ada"),
    "select_by_id": queries.select_by_id(role, 5),
    "select_by_name": queries.select_by_name(department, 1, "Engineering"),
    "select_member": queries.select_member(1, 8),
    "select_in_organization": queries.select_in_organization(member, 1, PAGE),
    "count_in_organization": queries.count_in_organization(member, 1),
}


def mssql_sql(clause: ClauseElement, server_version: tuple[int, ...] = (16, 0)) -> str:
    # What the dialect would learn on connecting to a server of that version.
    dialect: Any = mssql.dialect()  # type: ignore[no-untyped-call]
    dialect.server_version_info = server_version
    dialect._setup_version_attributes()
    return str(clause.compile(dialect=dialect))


def test_every_table_compiles_for_sql_server_with_portable_types() -> None:
    ddl = {table.name: mssql_sql(CreateTable(table)) for table in metadata.sorted_tables}
    assert set(ddl) == {"organization", "department", "role", "member", "outbox"}
    assert "id BIGINT NOT NULL IDENTITY" in ddl["organization"]
    assert "created_on DATETIMEOFFSET NOT NULL" in ddl["organization"]
    # NVARCHAR counts UTF-16 units: twice the contract's characters.
    assert "name NVARCHAR(100) NOT NULL" in ddl["organization"]
    assert "description NVARCHAR(400) NOT NULL" in ddl["organization"]
    assert "name NVARCHAR(200) NOT NULL" in ddl["role"]
    assert "name NVARCHAR(300) NOT NULL" in ddl["member"]
    assert (
        "CONSTRAINT uq_department_organization_id_name UNIQUE (organization_id, name)"
        in ddl["department"]
    )
    assert (
        "FOREIGN KEY(organization_id, role_id) REFERENCES role (organization_id, id)"
        in ddl["member"]
    )
    assert "payload VARBINARY(max) NOT NULL" in ddl["outbox"]
    for table in metadata.sorted_tables:
        for index in table.indexes:
            assert mssql_sql(CreateIndex(index)).startswith("CREATE INDEX ix_")


def test_the_migration_script_for_sql_server_creates_exactly_the_tables() -> None:
    script = io.StringIO()
    command.upgrade(SERVICE.alembic_config(MSSQL_URL, output_buffer=script), "head", sql=True)
    sql = script.getvalue()
    assert "BEGIN TRANSACTION;" in sql and "COMMIT;" in sql and "\nGO\n" in sql
    for table in metadata.sorted_tables:
        # Every column and constraint line of the table's DDL is in the script, word for word.
        for line in mssql_sql(CreateTable(table)).splitlines()[2:-2]:
            assert line.strip().rstrip(",") in sql, (table.name, line)
        for index in table.indexes:
            assert mssql_sql(CreateIndex(index)) in sql
    assert (
        "INSERT INTO alembic_version (version_num) OUTPUT inserted.version_num VALUES ('0001')"
        in sql
    )


def test_the_downgrade_script_for_sql_server_compiles() -> None:
    script = io.StringIO()
    command.downgrade(
        SERVICE.alembic_config(MSSQL_URL, output_buffer=script), "0001:base", sql=True
    )
    assert "DROP TABLE organization;" in script.getvalue()


def test_every_repository_query_is_covered_here() -> None:
    builders = {
        name
        for name, function in inspect.getmembers(queries, inspect.isfunction)
        if function.__module__ == queries.__name__ and not name.startswith("_")
    }
    assert builders == set(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_repository_query_compiles_for_sql_server(name: str) -> None:
    sql = mssql_sql(QUERIES[name])
    if name.startswith("insert_"):
        assert " OUTPUT inserted.id VALUES " in sql
    if name in PAGED:
        assert "ORDER BY" in sql and "OFFSET" in sql and "FETCH FIRST" in sql
    # Older servers (before 2012) page with ROW_NUMBER(); that compiles too.
    assert mssql_sql(QUERIES[name], server_version=(10, 0))


def test_publishing_compiles_for_sql_server() -> None:
    sql = mssql_sql(outbox.insert(RoleCreated(role_id=5, organization_id=1, name="Engineer")))
    assert sql.startswith("INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload")
