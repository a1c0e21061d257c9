"""Organizations, the tenants: who may see one, and what a new one needs."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from services.organization.domain.errors import UnknownOrganization
from services.organization.domain.text import checked_text, to_millis

NAME_MAX = 50
DESCRIPTION_MAX = 200


@dataclass(frozen=True)
class NewOrganization:
    name: str
    description: str
    created_on: datetime


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    description: str
    created_on: datetime


def new_organization(name: str, description: str, *, now: datetime) -> NewOrganization:
    return NewOrganization(
        name=checked_text(name, field="name", max_length=NAME_MAX),
        description=checked_text(description, field="description", max_length=DESCRIPTION_MAX),
        created_on=to_millis(now),
    )


def ensure_visible(organization_id: int, member_of: Collection[int]) -> None:
    """Only an organization's members may see it or anything in it. To everyone else it does
    not exist, so a 404 tells them nothing about other tenants."""
    if organization_id not in member_of:
        raise UnknownOrganization(organization_id)
