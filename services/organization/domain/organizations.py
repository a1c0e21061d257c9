"""Organizations, the tenants: who may see one, and what a new one needs.

A caller sees the organizations their token names, and those they created: the creator of an
organization can read and manage it at once, before any token names it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contractgen.runtime.principal import Principal
from services.organization.domain.errors import UnknownOrganization
from services.organization.domain.text import checked_text, to_millis

NAME_MAX = 50
DESCRIPTION_MAX = 200


@dataclass(frozen=True)
class NewOrganization:
    name: str
    description: str
    created_on: datetime
    created_by: str
    """The subject of the token that created it."""


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    description: str
    created_on: datetime
    created_by: str | None = None
    """None for organizations created before creators were recorded."""


def new_organization(
    name: str, description: str, *, created_by: str, now: datetime
) -> NewOrganization:
    return NewOrganization(
        name=checked_text(name, field="name", max_length=NAME_MAX),
        description=checked_text(description, field="description", max_length=DESCRIPTION_MAX),
        created_on=to_millis(now),
        created_by=created_by,
    )


def ensure_visible(
    organization_id: int, organization: Organization | None, principal: Principal
) -> Organization:
    """Only an organization's members and its creator may see it or anything in it. To everyone
    else it does not exist, so a 404 tells them nothing about other tenants."""
    if organization is None or not (
        principal.belongs_to(organization_id) or organization.created_by == principal.subject
    ):
        raise UnknownOrganization(organization_id)
    return organization
