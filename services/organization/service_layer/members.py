"""Use cases on members."""

from __future__ import annotations

from contractgen.runtime.paging import Page, PageRequest
from contractgen.runtime.principal import Principal
from generated.organization.events import MemberCreated
from services.organization.adapters.repository import Repository
from services.organization.domain.errors import UnknownMember
from services.organization.domain.members import Member, new_member
from services.organization.service_layer.organizations import visible_organization
from services.organization.service_layer.unit_of_work import OrganizationUnitOfWork, read_back


async def create_member(
    uow: OrganizationUnitOfWork,
    principal: Principal,
    organization_id: int,
    *,
    name: str,
    role_id: int,
    department_id: int,
) -> Member:
    async with uow:
        repository = Repository(uow.connection)
        await visible_organization(repository, principal, organization_id)
        new = new_member(
            organization_id,
            name,
            role_id=role_id,
            role=await repository.get_role(role_id),
            department_id=department_id,
            department=await repository.get_department(department_id),
        )
        member_id = await repository.add_member(new)
        await uow.publish(
            MemberCreated(
                member_id=member_id,
                organization_id=organization_id,
                name=new.name,
                role_id=new.role_id,
                department_id=new.department_id,
            )
        )
        return read_back(await repository.get_member(organization_id, member_id))


async def get_member(
    uow: OrganizationUnitOfWork, principal: Principal, organization_id: int, member_id: int
) -> Member:
    async with uow:
        repository = Repository(uow.connection)
        await visible_organization(repository, principal, organization_id)
        member = await repository.get_member(organization_id, member_id)
    if member is None:
        raise UnknownMember(organization_id, member_id)
    return member


async def list_members(
    uow: OrganizationUnitOfWork, principal: Principal, organization_id: int, page: PageRequest
) -> Page[Member]:
    async with uow:
        repository = Repository(uow.connection)
        await visible_organization(repository, principal, organization_id)
        return await repository.list_members(organization_id, page)
