"""Members: people in an organization, each with one role and one department of that organization."""

from __future__ import annotations

from dataclasses import dataclass

from services.organization.domain.departments import Department
from services.organization.domain.errors import OutsideOrganization
from services.organization.domain.roles import Role
from services.organization.domain.text import checked_text

NAME_MAX = 150


@dataclass(frozen=True)
class NewMember:
    organization_id: int
    name: str
    role_id: int
    department_id: int


@dataclass(frozen=True)
class Member:
    id: int
    organization_id: int
    name: str
    role_id: int
    department_id: int


def new_member(
    organization_id: int,
    name: str,
    *,
    role_id: int,
    role: Role | None,
    department_id: int,
    department: Department | None,
) -> NewMember:
    """`role` and `department` are what `role_id` and `department_id` name (None: nothing).
    Both must belong to the member's own organization."""
    name = checked_text(name, field="name", max_length=NAME_MAX)
    if role is None or role.id != role_id or role.organization_id != organization_id:
        raise OutsideOrganization("role", role_id, organization_id)
    if (
        department is None
        or department.id != department_id
        or department.organization_id != organization_id
    ):
        raise OutsideOrganization("department", department_id, organization_id)
    return NewMember(organization_id, name, role_id, department_id)
