"""Organizations through the HTTP app: create, get, list."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from generated.organization.events import OrganizationCreated
from generated.organization.handlers import OPERATIONS
from tests.organization.support import CREATED_ON, NOW, Database, auth

pytestmark = pytest.mark.postgres

ACME = {"name": "Acme", "description": "Makers of fine anvils."}


# Organizations are set up by someone else than the callers the tests ask as ("ada").
FOUNDER = auth(subject="founder")


def test_any_authenticated_caller_creates_an_organization(
    client: TestClient, database: Database
) -> None:
    response = client.post("/organizations", json=ACME, headers=FOUNDER)

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "id": 1,
        "name": "Acme",
        "description": "Makers of fine anvils.",
        "createdOn": CREATED_ON,
    }
    events = database.events()
    assert [type(event).__name__ for event in events] == list(
        OPERATIONS["createOrganization"].emits
    )
    assert events == [
        OrganizationCreated(
            organization_id=1,
            name="Acme",
            description="Makers of fine anvils.",
            created_on=NOW.replace(microsecond=123000),
        )
    ]
    assert database.counts() == {
        "organization": 1,
        "department": 0,
        "role": 0,
        "member": 0,
        "outbox": 1,
    }


def test_names_at_the_limit_are_accepted_even_outside_the_bmp(
    client: TestClient, database: Database
) -> None:
    body = {"name": "😀" * 50, "description": "ü" * 200}
    response = client.post("/organizations", json=body, headers=FOUNDER)
    assert response.status_code == 201
    assert response.json()["name"] == "😀" * 50
    assert database.events()[0].name == "😀" * 50


def test_the_creator_reads_and_manages_a_new_organization_at_once(
    client: TestClient, database: Database
) -> None:
    """No token names the new organization yet; its creator sees it all the same."""
    creator = auth(subject="grace")
    created = client.post("/organizations", json=ACME, headers=creator)
    assert created.status_code == 201
    organization_id = created.json()["id"]

    got = client.get(f"/organizations/{organization_id}", headers=creator)
    assert got.status_code == 200
    assert got.json() == created.json()
    listed = client.get("/organizations", headers=creator).json()
    assert [item["id"] for item in listed["items"]] == [organization_id]
    role = client.post(
        f"/organizations/{organization_id}/roles", json={"name": "Smith"}, headers=creator
    )
    assert role.status_code == 201
    # Someone else with the same (empty) token still sees nothing.
    assert client.get(f"/organizations/{organization_id}", headers=FOUNDER).status_code == 404
    assert client.get("/organizations", headers=FOUNDER).json()["total"] == 0
    assert database.counts()["role"] == 1


def test_a_member_gets_their_organization(client: TestClient) -> None:
    client.post("/organizations", json=ACME, headers=FOUNDER)

    response = client.get("/organizations/1", headers=auth(1))

    assert response.status_code == 200
    assert response.json() == {**ACME, "id": 1, "createdOn": CREATED_ON}


def test_an_organization_the_caller_is_not_in_is_not_found(client: TestClient) -> None:
    client.post("/organizations", json=ACME, headers=FOUNDER)

    response = client.get("/organizations/1", headers=auth(2))

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Organization 1 does not exist.",
    }


def test_an_organization_in_the_token_that_does_not_exist_is_not_found(
    client: TestClient,
) -> None:
    response = client.get("/organizations/7", headers=auth(7))
    assert response.status_code == 404
    assert response.json()["detail"] == "Organization 7 does not exist."


def test_the_list_holds_only_the_callers_organizations_by_id(client: TestClient) -> None:
    for name in ("One", "Two", "Three"):
        client.post("/organizations", json={"name": name, "description": "d"}, headers=FOUNDER)

    response = client.get("/organizations", headers=auth(3, 1, 99))

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"id": 1, "name": "One", "description": "d", "createdOn": CREATED_ON},
            {"id": 3, "name": "Three", "description": "d", "createdOn": CREATED_ON},
        ],
        "limit": 20,
        "offset": 0,
        "total": 2,
    }


def test_the_list_is_paginated(client: TestClient) -> None:
    for name in ("One", "Two", "Three"):
        client.post("/organizations", json={"name": name, "description": "d"}, headers=FOUNDER)
    everyone = auth(1, 2, 3)

    second = client.get("/organizations?limit=1&offset=1", headers=everyone).json()
    beyond = client.get("/organizations?limit=2&offset=3", headers=everyone).json()

    assert [item["id"] for item in second["items"]] == [2]
    assert (second["limit"], second["offset"], second["total"]) == (1, 1, 3)
    assert beyond == {"items": [], "limit": 2, "offset": 3, "total": 3}


def test_a_caller_without_organizations_gets_an_empty_page(client: TestClient) -> None:
    client.post("/organizations", json=ACME, headers=FOUNDER)
    response = client.get("/organizations", headers=auth())
    assert response.status_code == 200
    assert response.json() == {"items": [], "limit": 20, "offset": 0, "total": 0}
