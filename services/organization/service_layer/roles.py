"""Use cases on roles."""

from __future__ import annotations

from contractgen.runtime.paging import Page, PageRequest
from contractgen.runtime.principal import Principal
from generated.organization.events import RoleCreated
from services.organization.adapters.repository import Repository
from services.organization.domain.roles import Role, new_role
from services.organization.service_layer.organizations import visible_organization
from services.organization.service_layer.unit_of_work import OrganizationUnitOfWork, read_back


async def create_role(
    uow: OrganizationUnitOfWork, principal: Principal, organization_id: int, name: str
) -> Role:
    new = new_role(organization_id, name)
    async with uow:
        repository = Repository(uow.connection)
        await visible_organization(repository, principal, organization_id)
        new.check_unique(await repository.role_named(organization_id, new.name))
        role_id = await repository.add_role(new)
        await uow.publish(
            RoleCreated(role_id=role_id, organization_id=organization_id, name=new.name)
        )
        return read_back(await repository.get_role(role_id))


async def list_roles(
    uow: OrganizationUnitOfWork, principal: Principal, organization_id: int, page: PageRequest
) -> Page[Role]:
    async with uow:
        repository = Repository(uow.connection)
        await visible_organization(repository, principal, organization_id)
        return await repository.list_roles(organization_id, page)
