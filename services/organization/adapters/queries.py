"""The SQL the repository runs, built by functions so tests can compile each for SQL Server."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Insert, Select, Table, func, insert, or_, select

from contractgen.runtime.paging import PageRequest
from services.organization.adapters.tables import department, member, organization, role
from services.organization.domain.departments import NewDepartment
from services.organization.domain.members import NewMember
from services.organization.domain.organizations import NewOrganization
from services.organization.domain.roles import NewRole

Rows: TypeAlias = "Select[*tuple[Any, ...]]"
Count: TypeAlias = Select[int]

# Every insert hands back the new identity: RETURNING on PostgreSQL, OUTPUT on SQL Server.


def insert_organization(new: NewOrganization) -> Insert:
    return (
        insert(organization)
        .values(
            name=new.name,
            description=new.description,
            created_on=new.created_on,
            created_by=new.created_by,
        )
        .returning(organization.c.id)
    )


def insert_department(new: NewDepartment) -> Insert:
    return (
        insert(department)
        .values(organization_id=new.organization_id, name=new.name)
        .returning(department.c.id)
    )


def insert_role(new: NewRole) -> Insert:
    return (
        insert(role).values(organization_id=new.organization_id, name=new.name).returning(role.c.id)
    )


def insert_member(new: NewMember) -> Insert:
    return (
        insert(member)
        .values(
            organization_id=new.organization_id,
            name=new.name,
            role_id=new.role_id,
            department_id=new.department_id,
        )
        .returning(member.c.id)
    )


def select_organization(organization_id: int) -> Rows:
    return select(organization).where(organization.c.id == organization_id)


def select_organizations(ids: Collection[int], creator: str, page: PageRequest) -> Rows:
    return _page(select(organization).where(_visible(ids, creator)), organization, page)


def count_organizations(ids: Collection[int], creator: str) -> Count:
    return _count(organization, _visible(ids, creator))


def _visible(ids: Collection[int], creator: str) -> ColumnElement[bool]:
    """The organizations a token names, and those its subject created."""
    return or_(organization.c.id.in_(ids), organization.c.created_by == creator)


def select_by_id(table: Table, thing_id: int) -> Rows:
    """A department or role by id, whichever organization it belongs to."""
    return select(table).where(table.c.id == thing_id)


def select_by_name(table: Table, organization_id: int, name: str) -> Rows:
    """An organization's department or role of that name."""
    return select(table).where(table.c.organization_id == organization_id, table.c.name == name)


def select_member(organization_id: int, member_id: int) -> Rows:
    return select(member).where(
        member.c.organization_id == organization_id, member.c.id == member_id
    )


def select_in_organization(table: Table, organization_id: int, page: PageRequest) -> Rows:
    """One page of an organization's departments, roles or members."""
    return _page(select(table).where(table.c.organization_id == organization_id), table, page)


def count_in_organization(table: Table, organization_id: int) -> Count:
    return _count(table, table.c.organization_id == organization_id)


def _page(query: Rows, table: Table, page: PageRequest) -> Rows:
    # SQL Server pages only an ordered query (OFFSET ... FETCH); ids order every list.
    return query.order_by(table.c.id).limit(page.limit).offset(page.offset)


def _count(table: Table, where: ColumnElement[bool]) -> Count:
    return select(func.count()).select_from(table).where(where)
