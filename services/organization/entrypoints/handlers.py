"""The organization API: the generated interface, implemented by calling the use cases."""

from __future__ import annotations

from contractgen.runtime.paging import PageRequest
from contractgen.runtime.principal import Principal
from contractgen.runtime.probes import UseCaseHandlers
from generated.organization import models
from generated.organization.handlers import OrganizationHandlers
from services.organization.entrypoints import responses
from services.organization.entrypoints.problems import as_problems
from services.organization.service_layer import departments, members, organizations, roles
from services.organization.service_layer.unit_of_work import OrganizationUnitOfWork


class OrganizationApi(UseCaseHandlers[OrganizationUnitOfWork], OrganizationHandlers):
    """`new_uow` gives a fresh unit of work per request; `ready` says whether the database answers."""

    async def list_organizations(
        self, principal: Principal, limit: int = 20, offset: int = 0
    ) -> models.OrganizationPage:
        with as_problems():
            page = PageRequest(limit, offset)
            found = await organizations.list_organizations(self._new_uow(), principal, page)
        return responses.organization_page(found)

    async def create_organization(
        self, principal: Principal, body: models.OrganizationCreate
    ) -> models.Organization:
        with as_problems():
            created = await organizations.create_organization(
                self._new_uow(),
                principal,
                body["name"],
                body["description"],
                now=self._clock(),
            )
        return responses.organization(created)

    async def get_organization(
        self, principal: Principal, organization_id: int
    ) -> models.Organization:
        with as_problems():
            found = await organizations.get_organization(
                self._new_uow(), principal, organization_id
            )
        return responses.organization(found)

    async def list_departments(
        self, principal: Principal, organization_id: int, limit: int = 20, offset: int = 0
    ) -> models.DepartmentPage:
        with as_problems():
            page = PageRequest(limit, offset)
            found = await departments.list_departments(
                self._new_uow(), principal, organization_id, page
            )
        return responses.department_page(found)

    async def create_department(
        self, principal: Principal, organization_id: int, body: models.DepartmentCreate
    ) -> models.Department:
        with as_problems():
            created = await departments.create_department(
                self._new_uow(), principal, organization_id, body["name"]
            )
        return responses.department(created)

    async def list_roles(
        self, principal: Principal, organization_id: int, limit: int = 20, offset: int = 0
    ) -> models.RolePage:
        with as_problems():
            page = PageRequest(limit, offset)
            found = await roles.list_roles(self._new_uow(), principal, organization_id, page)
        return responses.role_page(found)

    async def create_role(
        self, principal: Principal, organization_id: int, body: models.RoleCreate
    ) -> models.Role:
        with as_problems():
            created = await roles.create_role(
                self._new_uow(), principal, organization_id, body["name"]
            )
        return responses.role(created)

    async def list_members(
        self, principal: Principal, organization_id: int, limit: int = 20, offset: int = 0
    ) -> models.MemberPage:
        with as_problems():
            page = PageRequest(limit, offset)
            found = await members.list_members(self._new_uow(), principal, organization_id, page)
        return responses.member_page(found)

    async def create_member(
        self, principal: Principal, organization_id: int, body: models.MemberCreate
    ) -> models.Member:
        with as_problems():
            created = await members.create_member(
                self._new_uow(),
                principal,
                organization_id,
                name=body["name"],
                role_id=body["roleId"],
                department_id=body["departmentId"],
            )
        return responses.member(created)

    async def get_member(
        self, principal: Principal, organization_id: int, member_id: int
    ) -> models.Member:
        with as_problems():
            found = await members.get_member(self._new_uow(), principal, organization_id, member_id)
        return responses.member(found)
