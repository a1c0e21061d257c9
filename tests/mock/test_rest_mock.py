"""What `contractgen mock` does for a client: refuses like the real service, remembers what was
created, answers as the `Prefer` header asks, and serves a contract of any project."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from contractgen.identity import Identity
from contractgen.mock.rest import mock_app
from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, JwtVerifier, mint_token
from contractgen.runtime.limits import DEFAULT_MAX_BODY_BYTES
from services.idea.bootstrap import build_app
from services.identity import IDENTITY
from tests.mock.conftest import OTHER_SPECS, PLATFORM_SPECS, bearer, service
from tests.settings import settings_for

AUTH = bearer([1, 2])
SECRET = "a-team-secret-that-is-long-enough-for-hs256"
IDEA = {"name": "Remote Fridays", "description": "Work from home on Fridays."}


@pytest.fixture
def ideas(verifier: JwtVerifier) -> TestClient:
    return TestClient(mock_app(service(PLATFORM_SPECS, "idea"), verify_token=verifier, seed=7))


def refusals() -> list[tuple[str, str, dict[str, str], Any]]:
    """Requests the real service refuses before it reaches its handlers (or its database)."""
    other_secret = mint_token(IDENTITY, "x", [1], secret="not-the-secret-but-long-enough-for-hs256")
    expired = mint_token(IDENTITY, "x", [1], secret=LOCAL_SECRET, ttl_seconds=-60)
    return [
        ("GET", "/organizations/1/ideas", {}, None),
        ("GET", "/organizations/1/ideas", {"Authorization": f"Bearer {other_secret}"}, None),
        ("GET", "/organizations/1/ideas", {"Authorization": f"Bearer {expired}"}, None),
        ("GET", "/organizations/1/ideas", {"Authorization": "Basic eDp5"}, None),
        ("GET", "/organizations/abc/ideas", AUTH, None),
        ("GET", "/organizations/0/ideas", AUTH, None),
        ("GET", "/organizations/1/ideas?limit=0", AUTH, None),
        ("GET", "/organizations/1/ideas?limit=x", AUTH, None),
        ("POST", "/organizations/1/ideas", AUTH, {"name": "only a name"}),
        ("POST", "/organizations/1/ideas", AUTH, {**IDEA, "extra": 1}),
        ("POST", "/organizations/1/ideas", AUTH, {**IDEA, "name": " "}),
        ("POST", "/organizations/1/ideas", AUTH, {**IDEA, "name": "x" * 51}),
        ("POST", "/organizations/1/ideas", AUTH, "{not json"),
        ("POST", "/organizations/1/ideas", AUTH, b"\xff\xfe{}"),
        ("POST", "/organizations/1/ideas", AUTH, "x" * (DEFAULT_MAX_BODY_BYTES + 1)),
        ("PATCH", "/organizations/1/ideas/1", AUTH, IDEA),
        ("GET", "/nowhere", AUTH, None),
    ]


@pytest.mark.parametrize(("method", "path", "headers", "body"), refusals())
def test_the_mock_refuses_exactly_as_the_real_service_does(
    method: str, path: str, headers: dict[str, str], body: Any, ideas: TestClient
) -> None:
    # The real service, its database unreachable: these requests never get that far.
    real = TestClient(build_app(settings_for("idea", "postgresql+psycopg://nobody@127.0.0.1:9/x")))
    content = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
    sent = {**headers, "Content-Type": "application/json"} if body is not None else headers
    expected = real.request(method, path, headers=sent, content=content)
    got = ideas.request(method, path, headers=sent, content=content)
    assert expected.status_code >= 400
    assert (got.status_code, got.headers.get("content-type"), got.text) == (
        expected.status_code,
        expected.headers.get("content-type"),
        expected.text,
    )


def test_a_created_resource_can_be_read_updated_listed_and_deleted(ideas: TestClient) -> None:
    created = ideas.post("/organizations/5/ideas", json=IDEA, headers=AUTH)
    assert created.status_code == 201
    idea = created.json()
    assert idea["name"] == IDEA["name"] and idea["organizationId"] == 5
    path = f"/organizations/5/ideas/{idea['id']}"
    assert ideas.get(path, headers=AUTH).json() == idea

    changed = {"name": "Remote Fridays", "description": "Every other Friday."}
    updated = ideas.put(path, json=changed, headers=AUTH)
    assert updated.status_code == 200
    assert updated.json() == {**idea, **changed}
    second = ideas.post("/organizations/5/ideas", json=IDEA, headers=AUTH).json()
    assert second["id"] != idea["id"]

    page = ideas.get("/organizations/5/ideas?limit=1&offset=1", headers=AUTH).json()
    assert page == {"items": [second], "limit": 1, "offset": 1, "total": 2}

    assert ideas.delete(path, headers=AUTH).status_code == 204
    gone = ideas.get(path, headers=AUTH)
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"
    assert ideas.delete(path, headers=AUTH).status_code == 404
    assert ideas.put(path, json=changed, headers=AUTH).status_code == 404
    assert ideas.get("/organizations/5/ideas", headers=AUTH).json()["total"] == 1


def test_each_parent_has_its_own_collection(ideas: TestClient) -> None:
    idea = ideas.post("/organizations/6/ideas", json=IDEA, headers=AUTH).json()
    assert ideas.get(f"/organizations/7/ideas/{idea['id']}", headers=AUTH).status_code == 404
    assert ideas.get("/organizations/7/ideas", headers=AUTH).json()["items"] == []


def test_the_documented_example_is_there_before_any_request(ideas: TestClient) -> None:
    # The contract's getIdea example is idea 12 of organization 1; new ids follow it.
    example = ideas.get("/organizations/1/ideas/12", headers=AUTH)
    assert example.status_code == 200
    assert example.json()["name"] == "Four-day week"
    assert ideas.post("/organizations/1/ideas", json=IDEA, headers=AUTH).json()["id"] == 13


def test_prefer_asks_for_generated_data_a_named_example_or_a_documented_status(
    ideas: TestClient,
) -> None:
    generated = ideas.get("/organizations/3/ideas/999", headers={**AUTH, "Prefer": "dynamic=true"})
    assert generated.status_code == 200
    body = generated.json()
    assert (body["id"], body["organizationId"]) == (999, 3)  # at the path asked for
    assert len(body["name"]) <= 50 and body["name"] != "Four-day week"

    named = ideas.get("/organizations/1/ideas/5", headers={**AUTH, "Prefer": "example=default"})
    assert named.json()["name"] == "Four-day week"

    forbidden = ideas.get("/organizations/1/ideas/12", headers={**AUTH, "Prefer": "code=403"})
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"] == "application/problem+json"
    assert forbidden.json()["detail"] == "The caller has no access to organization 1."

    unknown = ideas.get("/organizations/1/ideas/12", headers={**AUTH, "Prefer": "example=nope"})
    assert unknown.status_code == 400
    assert "no example named 'nope' (it has: default)" in unknown.json()["detail"]
    undocumented = ideas.get("/organizations/1/ideas/12", headers={**AUTH, "Prefer": "code=418"})
    assert undocumented.status_code == 400
    assert "documents no 418 response" in undocumented.json()["detail"]

    # Still validated first: a wish does not get an invalid request through.
    assert (
        ideas.get("/organizations/0/ideas/1", headers={**AUTH, "Prefer": "code=200"}).status_code
        == 400
    )


def test_a_contract_without_examples_gets_generated_answers(verifier: JwtVerifier) -> None:
    """Another project's contract (the generator's test specs): no examples at all."""
    widgets = TestClient(mock_app(service(OTHER_SPECS, "widget"), verify_token=verifier, seed=3))
    created = widgets.post("/widgets", json={"name": "gear"}, headers=AUTH)
    assert created.status_code == 201, created.text
    widget = created.json()
    assert widget["name"] == "gear"
    again = widgets.get(f"/widgets/{widget['id']}", headers=AUTH)
    assert again.json() == widget
    assert widgets.get("/healthz").status_code == 200
    assert widgets.get("/widgets/1", headers={}).status_code == 401


def test_tokens_of_another_issuer_or_secret_are_refused(verifier: JwtVerifier) -> None:
    team = Identity("team", "team-api", "orgs")
    settings = JwtSettings(team, secret=SECRET)
    ideas = TestClient(
        mock_app(service(PLATFORM_SPECS, "idea"), verify_token=JwtVerifier(settings))
    )
    good = mint_token(team, "x", [1], secret=SECRET)
    assert (
        ideas.get("/organizations/1/ideas", headers={"Authorization": f"Bearer {good}"}).status_code
        == 200
    )
    for token in (
        mint_token(team, "x", [1], secret=LOCAL_SECRET),
        mint_token(Identity("other", "team-api", "orgs"), "x", [1], secret=SECRET),
        mint_token(Identity("team", "other", "orgs"), "x", [1], secret=SECRET),
    ):
        refused = ideas.get("/organizations/1/ideas", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401
