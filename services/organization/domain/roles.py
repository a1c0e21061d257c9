"""Roles that members hold, each name used once per organization."""

from __future__ import annotations

from dataclasses import dataclass

from services.organization.domain.errors import NameTaken
from services.organization.domain.text import checked_text

NAME_MAX = 100


@dataclass(frozen=True)
class NewRole:
    organization_id: int
    name: str

    def check_unique(self, namesake: Role | None) -> None:
        """`namesake`: the organization's role already called this, if there is one."""
        if namesake is not None:
            raise NameTaken("role", self.organization_id, self.name)


@dataclass(frozen=True)
class Role:
    id: int
    organization_id: int
    name: str


def new_role(organization_id: int, name: str) -> NewRole:
    return NewRole(organization_id, checked_text(name, field="name", max_length=NAME_MAX))
