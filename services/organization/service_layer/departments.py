"""Use cases on departments."""

from __future__ import annotations

from contractgen.runtime.paging import Page, PageRequest
from contractgen.runtime.principal import Principal
from generated.organization.events import DepartmentCreated
from services.organization.adapters.repository import Repository
from services.organization.domain.departments import Department, new_department
from services.organization.service_layer.organizations import visible_organization
from services.organization.service_layer.unit_of_work import OrganizationUnitOfWork, read_back


async def create_department(
    uow: OrganizationUnitOfWork, principal: Principal, organization_id: int, name: str
) -> Department:
    new = new_department(organization_id, name)
    async with uow:
        repository = Repository(uow.connection)
        await visible_organization(repository, principal, organization_id)
        new.check_unique(await repository.department_named(organization_id, new.name))
        department_id = await repository.add_department(new)
        await uow.publish(
            DepartmentCreated(
                department_id=department_id, organization_id=organization_id, name=new.name
            )
        )
        return read_back(await repository.get_department(department_id))


async def list_departments(
    uow: OrganizationUnitOfWork, principal: Principal, organization_id: int, page: PageRequest
) -> Page[Department]:
    async with uow:
        repository = Repository(uow.connection)
        await visible_organization(repository, principal, organization_id)
        return await repository.list_departments(organization_id, page)
