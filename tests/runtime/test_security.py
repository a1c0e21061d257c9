"""Bearer JWTs at the HTTP layer: bad tokens get 401 problem+json, good ones a Principal."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from starlette.testclient import TestClient

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.runtime.security import Principal
from tests.runtime.conftest import IDENTITY, InMemoryIdeas, bearer

IDEAS = "/organizations/1/ideas"


def assert_unauthorized(response: httpx.Response, handlers: InMemoryIdeas) -> None:
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 401
    assert problem["title"] == "Unauthorized"
    assert handlers.calls == []


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param(bearer(ttl_seconds=-60), id="expired"),
        pytest.param({"Authorization": "Bearer not-a-jwt"}, id="malformed"),
        pytest.param({"Authorization": "Bearer a.b.c"}, id="malformed-parts"),
        pytest.param(bearer(secret="another-secret-of-at-least-32-bytes"), id="wrongly-signed"),
        pytest.param(
            bearer(identity=dataclasses.replace(IDENTITY, audience="someone-else")),
            id="other-audience",
        ),
        pytest.param(
            {"Authorization": f"Basic {mint_token(IDENTITY, 'x', [1], secret=LOCAL_SECRET)}"},
            id="not-bearer",
        ),
    ],
)
def test_bad_tokens_are_refused(
    client: TestClient, handlers: InMemoryIdeas, headers: dict[str, str]
) -> None:
    assert_unauthorized(client.get(IDEAS, headers=headers), handlers)


def test_a_valid_token_gives_the_handler_its_principal(
    client: TestClient, handlers: InMemoryIdeas
) -> None:
    response = client.get(IDEAS, headers=bearer([1, 7, 7]))
    assert response.status_code == 200
    [(name, arguments)] = handlers.calls
    assert name == "list_ideas"
    principal = arguments["principal"]
    assert isinstance(principal, Principal)
    assert principal.subject == "tester"
    assert principal.tenants == frozenset({1, 7})
    assert principal.belongs_to(7) and not principal.belongs_to(2)


def test_open_operations_need_no_token(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200
