"""Use cases on organizations."""

from __future__ import annotations

from datetime import datetime

from contractgen.runtime.paging import Page, PageRequest
from contractgen.runtime.principal import Principal
from generated.organization.events import OrganizationCreated
from services.identity import organization_ids
from services.organization.adapters.repository import Repository
from services.organization.domain.errors import UnknownOrganization
from services.organization.domain.organizations import (
    Organization,
    ensure_visible,
    new_organization,
)
from services.organization.service_layer.unit_of_work import OrganizationUnitOfWork, read_back


async def create_organization(
    uow: OrganizationUnitOfWork, name: str, description: str, *, now: datetime
) -> Organization:
    """Any authenticated caller may create one; access to it comes with their next token."""
    new = new_organization(name, description, now=now)
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
    ensure_visible(organization_id, organization_ids(principal))
    async with uow:
        return await visible_organization(Repository(uow.connection), principal, organization_id)


async def list_organizations(
    uow: OrganizationUnitOfWork, principal: Principal, page: PageRequest
) -> Page[Organization]:
    """The caller's organizations: those their token names (and that exist)."""
    async with uow:
        return await Repository(uow.connection).list_organizations(
            organization_ids(principal), page
        )


async def visible_organization(
    repository: Repository, principal: Principal, organization_id: int
) -> Organization:
    """The organization, if the caller belongs to it and it exists; otherwise UnknownOrganization."""
    ensure_visible(organization_id, organization_ids(principal))
    organization = await repository.get_organization(organization_id)
    if organization is None:
        raise UnknownOrganization(organization_id)
    return organization
