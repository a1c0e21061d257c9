"""Bad requests: refused with a 4xx problem, and nothing written anywhere (outbox included)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from services.identity import IDENTITY
from tests.organization.support import Database, auth

pytestmark = pytest.mark.postgres

TOO_BIG = 2**63
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def acme(client: TestClient) -> None:
    """Organization 1 with role 1 and department 1."""
    steps = [
        ("/organizations", {"name": "Acme", "description": "d"}),
        ("/organizations/1/roles", {"name": "Engineer"}),
        ("/organizations/1/departments", {"name": "R&D"}),
    ]
    for path, body in steps:
        assert client.post(path, json=body, headers=auth(1)).status_code == 201


def member(**change: Any) -> dict[str, Any]:
    return {"name": "Ada", "roleId": 1, "departmentId": 1, **change}


# (method, path, raw body or JSON-able body, expected status)
CASES: list[tuple[str, str, Any, int]] = [
    ("POST", "/organizations", b'{"name": "Acme",', 400),
    ("POST", "/organizations", b"", 400),
    ("POST", "/organizations", [], 400),
    ("POST", "/organizations", {"name": "Acme"}, 400),
    ("POST", "/organizations", {"name": 5, "description": "d"}, 400),
    ("POST", "/organizations", {"name": None, "description": "d"}, 400),
    ("POST", "/organizations", {"name": "x" * 51, "description": "d"}, 400),
    ("POST", "/organizations", {"name": "Acme", "description": "x" * 201}, 400),
    ("POST", "/organizations", {"name": "", "description": "d"}, 400),
    ("POST", "/organizations", {"name": "   ", "description": "d"}, 400),
    ("POST", "/organizations", {"name": "A", "description": "d", "owner": "me"}, 400),
    ("POST", "/organizations", {"name": "A\u0000", "description": "d"}, 400),
    ("POST", "/organizations", b'{"name": "\\ud800", "description": "d"}', 400),
    ("POST", "/organizations/1/departments", {"name": "x" * 51}, 400),
    ("POST", "/organizations/1/departments", {"name": "R&D", "id": 7}, 400),
    ("POST", "/organizations/1/departments", {"name": ["R&D"]}, 400),
    ("POST", "/organizations/1/departments", {"name": "nul\u0000"}, 400),
    ("POST", "/organizations/1/roles", {"name": "x" * 101}, 400),
    ("POST", "/organizations/1/roles", {}, 400),
    ("POST", "/organizations/1/members", member(name="x" * 151), 400),
    ("POST", "/organizations/1/members", member(roleId=0), 400),
    ("POST", "/organizations/1/members", member(roleId=TOO_BIG), 400),
    ("POST", "/organizations/1/members", member(departmentId=-1), 400),
    ("POST", "/organizations/1/members", member(roleId="1"), 400),
    ("POST", "/organizations/1/members", member(roleId=1.5), 400),
    ("POST", "/organizations/1/members", member(roleId=True), 400),
    ("POST", "/organizations/1/members", member(organizationId=2), 400),
    ("POST", "/organizations/1/members", {"name": "Ada", "roleId": 1}, 400),
    ("POST", "/organizations/0/departments", {"name": "Ops"}, 400),
    ("POST", f"/organizations/{TOO_BIG}/departments", {"name": "Ops"}, 400),
    # A path id that is not a number matches no route.
    ("POST", "/organizations/one/departments", {"name": "Ops"}, 404),
    ("GET", "/organizations/0", None, 400),
    ("GET", f"/organizations/{TOO_BIG}", None, 400),
    ("GET", "/organizations/1/members/0", None, 400),
    ("GET", f"/organizations/1/members/{TOO_BIG}", None, 400),
    ("GET", "/organizations?limit=0", None, 400),
    ("GET", "/organizations?limit=101", None, 400),
    ("GET", "/organizations?offset=-1", None, 400),
    ("GET", "/organizations?offset=1000001", None, 400),
    ("GET", "/organizations/1/roles?limit=ten", None, 400),
    ("GET", "/organizations/1/roles?page=2", None, 400),
    ("DELETE", "/organizations/1", None, 405),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), CASES)
def test_bad_requests_are_refused_and_write_nothing(
    client: TestClient,
    database: Database,
    acme: None,
    method: str,
    path: str,
    body: Any,
    status: int,
) -> None:
    before = database.counts()
    raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()

    response = client.request(method, path, content=raw, headers={**auth(1), **JSON})

    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status
    assert database.counts() == before


def test_a_body_that_is_not_json_is_refused(
    client: TestClient, database: Database, acme: None
) -> None:
    before = database.counts()
    response = client.post(
        "/organizations",
        content=b"name=Acme",
        headers={**auth(1), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"
    assert database.counts() == before


GUESS = "a guessed secret, at least 32 bytes long"
BAD_TOKENS = {
    "none": {},
    "not-a-jwt": {"Authorization": "Bearer not-a-jwt"},
    "wrong-secret": {"Authorization": f"Bearer {mint_token(IDENTITY, 'eve', [1], secret=GUESS)}"},
    "expired": {
        "Authorization": f"Bearer {mint_token(IDENTITY, 'ada', [1], secret=LOCAL_SECRET, ttl_seconds=-60)}"
    },
    "basic": {"Authorization": "Basic YWRhOmFkYQ=="},
}


@pytest.mark.parametrize("headers", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/organizations", {"name": "Acme", "description": "d"}),
        ("GET", "/organizations", None),
        ("POST", "/organizations/1/departments", {"name": "Ops"}),
        ("GET", "/organizations/1/members/1", None),
    ],
)
def test_without_a_valid_token_nothing_happens(
    client: TestClient,
    database: Database,
    acme: None,
    headers: dict[str, str],
    method: str,
    path: str,
    body: Any,
) -> None:
    before = database.counts()
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert database.counts() == before
