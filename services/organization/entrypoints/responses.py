"""Domain objects as the contract's response bodies."""

from __future__ import annotations

from contractgen.runtime.paging import Page
from contractgen.runtime.values import rfc3339 as timestamp
from generated.organization import models
from services.organization.domain.departments import Department
from services.organization.domain.members import Member
from services.organization.domain.organizations import Organization
from services.organization.domain.roles import Role


def organization(value: Organization) -> models.Organization:
    return {
        "id": value.id,
        "name": value.name,
        "description": value.description,
        "createdOn": timestamp(value.created_on),
    }


def department(value: Department) -> models.Department:
    return {"id": value.id, "organizationId": value.organization_id, "name": value.name}


def role(value: Role) -> models.Role:
    return {"id": value.id, "organizationId": value.organization_id, "name": value.name}


def member(value: Member) -> models.Member:
    return {
        "id": value.id,
        "organizationId": value.organization_id,
        "name": value.name,
        "roleId": value.role_id,
        "departmentId": value.department_id,
    }


def organization_page(page: Page[Organization]) -> models.OrganizationPage:
    items = [organization(item) for item in page.items]
    return {
        "items": items,
        "limit": page.request.limit,
        "offset": page.request.offset,
        "total": page.total,
    }


def department_page(page: Page[Department]) -> models.DepartmentPage:
    items = [department(item) for item in page.items]
    return {
        "items": items,
        "limit": page.request.limit,
        "offset": page.request.offset,
        "total": page.total,
    }


def role_page(page: Page[Role]) -> models.RolePage:
    items = [role(item) for item in page.items]
    return {
        "items": items,
        "limit": page.request.limit,
        "offset": page.request.offset,
        "total": page.total,
    }


def member_page(page: Page[Member]) -> models.MemberPage:
    items = [member(item) for item in page.items]
    return {
        "items": items,
        "limit": page.request.limit,
        "offset": page.request.offset,
        "total": page.total,
    }
