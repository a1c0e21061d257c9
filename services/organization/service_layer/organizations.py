"""Use cases on organizations."""

from __future__ import annotations

from datetime import datetime

from contractgen.runtime.paging import Page, PageRequest
from contractgen.runtime.principal import Principal
from generated.organization.events import OrganizationCreated
from services.identity import organization_ids
from services.organization.adapters.repository import Repository
from services.organization.domain.organizations import (
    Organization,
    ensure_visible,
    new_organization,
)
from services.organization.service_layer.unit_of_work import OrganizationUnitOfWork, read_back


async def create_organization(
    uow: OrganizationUnitOfWork,
    principal: Principal,
    name: str,
    description: str,
    *,
    now: datetime,
) -> Organization:
    """Any authenticated caller may create one, and sees and manages it at once: the creator is
    recorded with it in the same transaction."""
    new = new_organization(name, description, created_by=principal.subject, now=now)
    async with uow:
        repository = Repository(uow.connection)
        organization_id = await repository.add_organization(new)
        await uow.publish(
            OrganizationCreated(
                organization_id=organization_id,
                name=new.name,
                description=new.description,
                created_on=new.created_on,
            )
        )
        return read_back(await repository.get_organization(organization_id))


async def get_organization(
    uow: OrganizationUnitOfWork, principal: Principal, organization_id: int
) -> Organization:
    async with uow:
        return await visible_organization(Repository(uow.connection), principal, organization_id)


async def list_organizations(
    uow: OrganizationUnitOfWork, principal: Principal, page: PageRequest
) -> Page[Organization]:
    """The caller's organizations: those their token names (and that exist) and those they
    created."""
    async with uow:
        return await Repository(uow.connection).list_organizations(
            organization_ids(principal), principal.subject, page
        )


async def visible_organization(
    repository: Repository, principal: Principal, organization_id: int
) -> Organization:
    """The organization, if it exists and the caller belongs to it or created it; otherwise
    UnknownOrganization."""
    found = await repository.get_organization(organization_id)
    return ensure_visible(organization_id, found, principal)
