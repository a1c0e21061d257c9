"""Members through the HTTP app: role and department of the member's own organization."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from generated.organization.events import MemberCreated
from generated.organization.handlers import OPERATIONS
from tests.organization.support import Database, auth

pytestmark = pytest.mark.postgres

ADA = {"name": "Ada Lovelace", "roleId": 1, "departmentId": 1}


@pytest.fixture
def two_organizations(client: TestClient) -> None:
    """Acme (1) with role 1 and department 1; Globex (2) with role 2 and department 2."""
    for organization_id, name in ((1, "Acme"), (2, "Globex")):
        token = auth(organization_id)
        assert client.post(
            "/organizations", json={"name": name, "description": "d"}, headers=auth()
        ).is_success
        assert client.post(
            f"/organizations/{organization_id}/roles", json={"name": "Engineer"}, headers=token
        ).is_success
        assert client.post(
            f"/organizations/{organization_id}/departments", json={"name": "R&D"}, headers=token
        ).is_success


def test_a_member_joins_with_a_role_and_a_department(
    client: TestClient, database: Database, two_organizations: None
) -> None:
    before = database.counts()

    response = client.post("/organizations/1/members", json=ADA, headers=auth(1))

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "id": 1,
        "organizationId": 1,
        "name": "Ada Lovelace",
        "roleId": 1,
        "departmentId": 1,
    }
    new_events = database.events()[before["outbox"] :]
    assert [type(event).__name__ for event in new_events] == list(OPERATIONS["createMember"].emits)
    assert new_events == [
        MemberCreated(
            member_id=1, organization_id=1, name="Ada Lovelace", role_id=1, department_id=1
        )
    ]
    assert database.counts() == {**before, "member": 1, "outbox": before["outbox"] + 1}


def test_a_member_is_read_back_and_listed(client: TestClient, two_organizations: None) -> None:
    client.post("/organizations/1/members", json=ADA, headers=auth(1))
    client.post(
        "/organizations/1/members",
        json={"name": "Grace Hopper", "roleId": 1, "departmentId": 1},
        headers=auth(1),
    )
    client.post(
        "/organizations/2/members",
        json={"name": "Elsewhere", "roleId": 2, "departmentId": 2},
        headers=auth(2),
    )

    one = client.get("/organizations/1/members/2", headers=auth(1))
    page = client.get("/organizations/1/members?limit=1&offset=1", headers=auth(1))

    grace = {"id": 2, "organizationId": 1, "name": "Grace Hopper", "roleId": 1, "departmentId": 1}
    assert one.status_code == 200
    assert one.json() == grace
    assert page.status_code == 200
    assert page.json() == {"items": [grace], "limit": 1, "offset": 1, "total": 2}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({**ADA, "roleId": 2}, "Role 2 does not belong to organization 1."),
        ({**ADA, "departmentId": 2}, "Department 2 does not belong to organization 1."),
        ({**ADA, "roleId": 999}, "Role 999 does not belong to organization 1."),
        ({**ADA, "departmentId": 999}, "Department 999 does not belong to organization 1."),
    ],
    ids=["foreign-role", "foreign-department", "unknown-role", "unknown-department"],
)
def test_a_role_or_department_outside_the_organization_is_a_conflict(
    client: TestClient, database: Database, two_organizations: None, body: object, detail: str
) -> None:
    before = database.counts()

    response = client.post("/organizations/1/members", json=body, headers=auth(1))

    # 409, not 422: schemathesis counts a refusal of schema-valid data as a failure unless it
    # says "you may not / does not exist / conflict"; the organization's state is what conflicts.
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": detail,
    }
    assert database.counts() == before


def test_an_unknown_member_is_not_found(client: TestClient, two_organizations: None) -> None:
    client.post(
        "/organizations/2/members",
        json={"name": "Elsewhere", "roleId": 2, "departmentId": 2},
        headers=auth(2),
    )

    unknown = client.get("/organizations/1/members/42", headers=auth(1))
    # Member 1 exists, but in organization 2: under organization 1 there is no such member.
    other_organizations = client.get("/organizations/1/members/1", headers=auth(1, 2))

    for response in (unknown, other_organizations):
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
    assert unknown.json()["detail"] == "Organization 1 has no member 42."
    assert other_organizations.json()["detail"] == "Organization 1 has no member 1."


def test_an_unknown_organization_has_no_members(client: TestClient, database: Database) -> None:
    created = client.post("/organizations/3/members", json=ADA, headers=auth(3))
    listed = client.get("/organizations/3/members", headers=auth(3))
    read = client.get("/organizations/3/members/1", headers=auth(3))

    for response in (created, listed, read):
        assert response.status_code == 404
        assert response.json()["detail"] == "Organization 3 does not exist."
    assert sum(database.counts().values()) == 0
