"""Requests the contract refuses, answered with a 4xx problem before any database work (the app
here has no database it could reach)."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from starlette.testclient import TestClient

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from services.activity.bootstrap import build_app
from services.identity import IDENTITY
from tests.activity.support import PROBLEM, bearer, settings_for

NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/activity"
FEED = "/organizations/1/activities"


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = build_app(settings_for(NOWHERE), validate_responses=True)
    with app.test_client() as test_client:
        yield test_client


def assert_problem(response: object, status: int) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    problem = response.json()  # type: ignore[attr-defined]
    assert problem["status"] == status
    assert problem["title"]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=ten",
        "offset=-1",
        "offset=1000001",
        "type=IdeaRenamed",
        "type=ideacreated",
        "type=",
        "colour=blue",
    ],
)
def test_bad_query(client: TestClient, query: str) -> None:
    assert_problem(client.get(f"{FEED}?{query}", headers=bearer(1)), 400)


@pytest.mark.parametrize("organization_id", ["0", "-1", str(2**63)])
def test_bad_organization_id(client: TestClient, organization_id: str) -> None:
    token = bearer(1, 2**63 - 1)
    response = client.get(f"/organizations/{organization_id}/activities", headers=token)
    assert_problem(response, 400)


@pytest.mark.parametrize("organization_id", ["abc", "1.5", "1e3"])
def test_a_path_that_names_no_organization_is_not_found(
    client: TestClient, organization_id: str
) -> None:
    response = client.get(f"/organizations/{organization_id}/activities", headers=bearer(1))
    assert_problem(response, 404)


def test_the_largest_organization_id_is_an_id(client: TestClient) -> None:
    response = client.get(f"/organizations/{2**63 - 1}/activities", headers=bearer(1))
    assert_problem(response, 404)


def token_with(**claims: object) -> str:
    base: dict[str, object] = {
        "sub": "alice",
        "orgs": [1],
        "iss": IDENTITY.issuer,
        "aud": IDENTITY.audience,
    }
    base["exp"] = 4_102_444_800  # 2100
    return jwt.encode({**base, **claims}, LOCAL_SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer not-a-token",
        "Basic YWxpY2U6cHc=",
        f"Bearer {mint_token(IDENTITY, 'alice', [1], secret='another-secret-of-at-least-32-bytes')}",
        f"Bearer {mint_token(IDENTITY, 'alice', [1], secret=LOCAL_SECRET, ttl_seconds=-60)}",
        f"Bearer {token_with(aud='elsewhere')}",
        f"Bearer {token_with(orgs=['1'])}",
        f"Bearer {token_with(orgs=1)}",
    ],
    ids=[
        "missing",
        "empty-bearer",
        "malformed",
        "basic",
        "wrong-secret",
        "expired",
        "wrong-audience",
        "org-ids-as-text",
        "orgs-not-a-list",
    ],
)
def test_bad_token(client: TestClient, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    assert_problem(client.get(FEED, headers=headers), 401)


def test_not_ready_without_a_database(client: TestClient) -> None:
    response = client.get("/readyz")
    assert_problem(response, 503)
    assert response.json()["detail"] == "The database is unreachable."


def test_alive_without_a_database(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
