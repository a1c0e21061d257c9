"""Cross-tenant isolation: a caller of organization A learns nothing of B and changes nothing there."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.organization.support import Database, auth

pytestmark = pytest.mark.postgres

A, B = 1, 2


@pytest.fixture
def tenants(client: TestClient) -> None:
    """A and B, each with a role 'Engineer', a department 'R&D' and a member (B's is member 2).
    Each is set up by its own founder: the callers of the tests did not create them."""
    for organization_id, name in ((A, "A"), (B, "B")):
        token = auth(organization_id, subject=f"founder of {name}")
        steps: list[tuple[str, dict[str, Any]]] = [
            ("/organizations", {"name": name, "description": "d"}),
            (f"/organizations/{organization_id}/roles", {"name": "Engineer"}),
            (f"/organizations/{organization_id}/departments", {"name": "R&D"}),
            (
                f"/organizations/{organization_id}/members",
                {"name": "M", "roleId": organization_id, "departmentId": organization_id},
            ),
        ]
        for path, body in steps:
            assert client.post(path, json=body, headers=token).status_code == 201


REQUESTS = [
    ("GET", f"/organizations/{B}", None),
    ("GET", f"/organizations/{B}/departments", None),
    ("GET", f"/organizations/{B}/roles", None),
    ("GET", f"/organizations/{B}/members", None),
    ("GET", f"/organizations/{B}/members/{B}", None),
    ("POST", f"/organizations/{B}/departments", {"name": "Intruders"}),
    ("POST", f"/organizations/{B}/roles", {"name": "Intruder"}),
    ("POST", f"/organizations/{B}/members", {"name": "Eve", "roleId": B, "departmentId": B}),
    # Even with A's own role and department: the organization in the path is B.
    ("POST", f"/organizations/{B}/members", {"name": "Eve", "roleId": A, "departmentId": A}),
    # A name the service could store but that is unusual is still B's business: 404.
    ("POST", f"/organizations/{B}/departments", {"name": "\u001cx"}),
]


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_a_caller_of_a_cannot_reach_b(
    client: TestClient,
    database: Database,
    tenants: None,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    before = database.counts()

    response = client.request(method, path, json=body, headers=auth(A))

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == f"Organization {B} does not exist."
    assert database.counts() == before


def test_input_the_contract_refuses_is_a_400_whichever_the_organization(
    client: TestClient, database: Database, tenants: None
) -> None:
    """NUL is outside the contract (PostgreSQL cannot store it): the contract's validation
    answers before any organization is looked at, the same for A and for B."""
    before = database.counts()
    for organization_id in (A, B):
        response = client.post(
            f"/organizations/{organization_id}/departments",
            json={"name": "nul\u0000"},
            headers=auth(A),
        )
        assert response.status_code == 400
        assert "does not match" in response.json()["detail"]
    assert database.counts() == before


def test_b_is_not_in_as_list(client: TestClient, tenants: None) -> None:
    response = client.get("/organizations", headers=auth(A))
    assert [item["id"] for item in response.json()["items"]] == [A]
    assert response.json()["total"] == 1


def test_bs_member_is_not_found_through_a(client: TestClient, tenants: None) -> None:
    response = client.get(f"/organizations/{A}/members/{B}", headers=auth(A))
    assert response.status_code == 404


def test_a_member_in_a_cannot_take_bs_role_or_department(
    client: TestClient, database: Database, tenants: None
) -> None:
    before = database.counts()
    for body in (
        {"name": "Eve", "roleId": B, "departmentId": A},
        {"name": "Eve", "roleId": A, "departmentId": B},
    ):
        response = client.post(f"/organizations/{A}/members", json=body, headers=auth(A))
        assert response.status_code == 409
    assert database.counts() == before
