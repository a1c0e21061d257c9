"""The repository: domain objects in and out of the tables, on the unit of work's connection."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC

from sqlalchemy import Executable, Insert, RowMapping, Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contractgen.runtime.paging import Page, PageRequest
from services.organization.adapters import queries
from services.organization.adapters.tables import (
    DEPARTMENT_NAME_UNIQUE,
    ROLE_NAME_UNIQUE,
    department,
    member,
    role,
)
from services.organization.domain.departments import Department, NewDepartment
from services.organization.domain.errors import NameTaken
from services.organization.domain.members import Member, NewMember
from services.organization.domain.organizations import NewOrganization, Organization
from services.organization.domain.roles import NewRole, Role


class Repository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    # Organizations

    async def add_organization(self, new: NewOrganization) -> int:
        return await self._insert(queries.insert_organization(new))

    async def get_organization(self, organization_id: int) -> Organization | None:
        row = await self._one(queries.select_organization(organization_id))
        return None if row is None else _organization(row)

    async def list_organizations(
        self, ids: Collection[int], creator: str, page: PageRequest
    ) -> Page[Organization]:
        rows = await self._all(queries.select_organizations(ids, creator, page))
        total = await self._scalar(queries.count_organizations(ids, creator))
        return Page(tuple(_organization(row) for row in rows), page, total)

    # Departments

    async def add_department(self, new: NewDepartment) -> int:
        statement = queries.insert_department(new)
        try:
            return await self._insert(statement)
        except IntegrityError as error:
            if _violates(error, DEPARTMENT_NAME_UNIQUE):
                # Another request took the name between our check and this insert.
                raise NameTaken("department", new.organization_id, new.name) from error
            raise

    async def get_department(self, department_id: int) -> Department | None:
        row = await self._one(queries.select_by_id(department, department_id))
        return None if row is None else _department(row)

    async def department_named(self, organization_id: int, name: str) -> Department | None:
        row = await self._one(queries.select_by_name(department, organization_id, name))
        return None if row is None else _department(row)

    async def list_departments(self, organization_id: int, page: PageRequest) -> Page[Department]:
        rows, total = await self._page(department, organization_id, page)
        return Page(tuple(_department(row) for row in rows), page, total)

    # Roles

    async def add_role(self, new: NewRole) -> int:
        statement = queries.insert_role(new)
        try:
            return await self._insert(statement)
        except IntegrityError as error:
            if _violates(error, ROLE_NAME_UNIQUE):
                raise NameTaken("role", new.organization_id, new.name) from error
            raise

    async def get_role(self, role_id: int) -> Role | None:
        row = await self._one(queries.select_by_id(role, role_id))
        return None if row is None else _role(row)

    async def role_named(self, organization_id: int, name: str) -> Role | None:
        row = await self._one(queries.select_by_name(role, organization_id, name))
        return None if row is None else _role(row)

    async def list_roles(self, organization_id: int, page: PageRequest) -> Page[Role]:
        rows, total = await self._page(role, organization_id, page)
        return Page(tuple(_role(row) for row in rows), page, total)

    # Members

    async def add_member(self, new: NewMember) -> int:
        return await self._insert(queries.insert_member(new))

    async def get_member(self, organization_id: int, member_id: int) -> Member | None:
        row = await self._one(queries.select_member(organization_id, member_id))
        return None if row is None else _member(row)

    async def list_members(self, organization_id: int, page: PageRequest) -> Page[Member]:
        rows, total = await self._page(member, organization_id, page)
        return Page(tuple(_member(row) for row in rows), page, total)

    # Plumbing

    async def _insert(self, statement: Insert) -> int:
        return int((await self._connection.execute(statement)).scalar_one())

    async def _one(self, statement: Executable) -> RowMapping | None:
        return (await self._connection.execute(statement)).mappings().one_or_none()

    async def _all(self, statement: Executable) -> list[RowMapping]:
        return list((await self._connection.execute(statement)).mappings())

    async def _scalar(self, statement: Executable) -> int:
        return int((await self._connection.execute(statement)).scalar_one())

    async def _page(
        self, table: Table, organization_id: int, page: PageRequest
    ) -> tuple[list[RowMapping], int]:
        rows = await self._all(queries.select_in_organization(table, organization_id, page))
        total = await self._scalar(queries.count_in_organization(table, organization_id))
        return rows, total


def _organization(row: RowMapping) -> Organization:
    return Organization(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        created_on=row["created_on"].astimezone(UTC),
        created_by=row["created_by"],
    )


def _department(row: RowMapping) -> Department:
    return Department(id=row["id"], organization_id=row["organization_id"], name=row["name"])


def _role(row: RowMapping) -> Role:
    return Role(id=row["id"], organization_id=row["organization_id"], name=row["name"])


def _member(row: RowMapping) -> Member:
    return Member(
        id=row["id"],
        organization_id=row["organization_id"],
        name=row["name"],
        role_id=row["role_id"],
        department_id=row["department_id"],
    )


def _violates(error: IntegrityError, constraint: str) -> bool:
    """Whether `error` broke `constraint`: PostgreSQL and SQL Server both name the constraint in
    their message, which makes this the portable test."""
    return constraint in str(error.orig)
