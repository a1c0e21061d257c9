"""Departments and roles through the HTTP app: the same rules for both."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from generated.organization.events import DepartmentCreated, OrganizationEvent, RoleCreated
from generated.organization.handlers import OPERATIONS
from tests.organization.support import Database, auth

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Kind:
    path: str
    operation: str
    table: str
    noun: str
    max_name: int

    def event(self, thing_id: int, organization_id: int, name: str) -> OrganizationEvent:
        if self.table == "department":
            return DepartmentCreated(
                department_id=thing_id, organization_id=organization_id, name=name
            )
        return RoleCreated(role_id=thing_id, organization_id=organization_id, name=name)


KINDS = [
    Kind("departments", "createDepartment", "department", "department", 50),
    Kind("roles", "createRole", "role", "role", 100),
]


@pytest.fixture(params=KINDS, ids=lambda kind: kind.path)
def kind(request: pytest.FixtureRequest) -> Kind:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def acme(client: TestClient) -> int:
    """Organization 1 (Acme), and organization 2 (Globex) beside it."""
    for name in ("Acme", "Globex"):
        assert client.post(
            "/organizations", json={"name": name, "description": "d"}, headers=auth()
        ).is_success
    return 1


def test_a_member_of_the_organization_creates_one(
    client: TestClient, database: Database, kind: Kind, acme: int
) -> None:
    response = client.post(f"/organizations/1/{kind.path}", json={"name": "Eng"}, headers=auth(1))

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"id": 1, "organizationId": 1, "name": "Eng"}
    events = database.events()[2:]
    assert [type(event).__name__ for event in events] == list(OPERATIONS[kind.operation].emits)
    assert events == [kind.event(1, 1, "Eng")]
    assert database.counts()[kind.table] == 1


def test_the_longest_name_fits(
    client: TestClient, database: Database, kind: Kind, acme: int
) -> None:
    name = "\U0001d504" * kind.max_name  # outside the BMP: two UTF-16 units each
    response = client.post(f"/organizations/1/{kind.path}", json={"name": name}, headers=auth(1))
    assert response.status_code == 201
    assert database.events()[2:] == [kind.event(1, 1, name)]


def test_a_name_is_taken_once_per_organization(
    client: TestClient, database: Database, kind: Kind, acme: int
) -> None:
    assert client.post(
        f"/organizations/1/{kind.path}", json={"name": "Eng"}, headers=auth(1)
    ).is_success
    before = database.counts()

    again = client.post(f"/organizations/1/{kind.path}", json={"name": "Eng"}, headers=auth(1))
    elsewhere = client.post(f"/organizations/2/{kind.path}", json={"name": "Eng"}, headers=auth(2))

    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": f"Organization 1 already has a {kind.noun} named 'Eng'.",
    }
    assert elsewhere.status_code == 201
    assert elsewhere.json() == {"id": 2, "organizationId": 2, "name": "Eng"}
    after = database.counts()
    assert after[kind.table] == before[kind.table] + 1
    assert after["outbox"] == before["outbox"] + 1


def test_the_list_is_paginated_by_id(client: TestClient, kind: Kind, acme: int) -> None:
    for name in ("A", "B", "C"):
        client.post(f"/organizations/1/{kind.path}", json={"name": name}, headers=auth(1))
    client.post(f"/organizations/2/{kind.path}", json={"name": "Other"}, headers=auth(2))

    first = client.get(f"/organizations/1/{kind.path}?limit=2", headers=auth(1))
    last = client.get(f"/organizations/1/{kind.path}?limit=2&offset=2", headers=auth(1))

    assert first.status_code == 200
    assert first.json() == {
        "items": [
            {"id": 1, "organizationId": 1, "name": "A"},
            {"id": 2, "organizationId": 1, "name": "B"},
        ],
        "limit": 2,
        "offset": 0,
        "total": 3,
    }
    assert last.json() == {
        "items": [{"id": 3, "organizationId": 1, "name": "C"}],
        "limit": 2,
        "offset": 2,
        "total": 3,
    }


def test_an_empty_list_is_an_empty_page(client: TestClient, kind: Kind, acme: int) -> None:
    response = client.get(f"/organizations/1/{kind.path}", headers=auth(1))
    assert response.status_code == 200
    assert response.json() == {"items": [], "limit": 20, "offset": 0, "total": 0}


def test_an_unknown_organization_is_not_found(
    client: TestClient, database: Database, kind: Kind
) -> None:
    created = client.post(f"/organizations/5/{kind.path}", json={"name": "Eng"}, headers=auth(5))
    listed = client.get(f"/organizations/5/{kind.path}", headers=auth(5))

    for response in (created, listed):
        assert response.status_code == 404
        assert response.json()["detail"] == "Organization 5 does not exist."
    assert sum(database.counts().values()) == 0
