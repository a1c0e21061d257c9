"""Departments: named units of an organization, each name used once per organization."""

from __future__ import annotations

from dataclasses import dataclass

from services.organization.domain.errors import NameTaken
from services.organization.domain.text import checked_text

NAME_MAX = 50


@dataclass(frozen=True)
class NewDepartment:
    organization_id: int
    name: str

    def check_unique(self, namesake: Department | None) -> None:
        """`namesake`: the organization's department already called this, if there is one."""
        if namesake is not None:
            raise NameTaken("department", self.organization_id, self.name)


@dataclass(frozen=True)
class Department:
    id: int
    organization_id: int
    name: str


def new_department(organization_id: int, name: str) -> NewDepartment:
    return NewDepartment(organization_id, checked_text(name, field="name", max_length=NAME_MAX))
