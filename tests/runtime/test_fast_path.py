"""The fast path answers exactly as Connexion's stack: same status, body and headers, on and off."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import connexion
import pytest
from connexion.exceptions import ProblemException
from connexion.middleware.routing import RoutingMiddleware
from starlette.testclient import TestClient

from contractgen.runtime.limits import DEFAULT_MAX_BODY_BYTES
from contractgen.runtime.security import Principal
from tests.runtime.conftest import InMemoryIdeas, bearer

IDEAS = "/organizations/1/ideas"
JSON = {"content-type": "application/json"}
VALID = {"name": "Four-day week", "description": "Try it for a quarter."}


class RefusingIdeas(InMemoryIdeas):
    """Organization 2 is forbidden: a problem raised by the handler."""

    async def create_idea(self, principal: Principal, organization_id: int, body: Any) -> Any:
        if organization_id == 2:
            raise ProblemException(status=403, title="Forbidden", detail="Not a member.")
        return await super().create_idea(principal, organization_id, body)


@pytest.fixture
def handlers() -> InMemoryIdeas:
    return RefusingIdeas()


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths that reached Connexion's router (the fast path serves the others itself)."""
    paths: list[str] = []
    original = RoutingMiddleware.__call__

    async def counting(self: RoutingMiddleware, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            paths.append(scope["path"])
        await original(self, scope, receive, send)

    monkeypatch.setattr(RoutingMiddleware, "__call__", counting)
    return paths


@pytest.fixture
def clients(build: Callable[..., connexion.AsyncApp]) -> Iterator[dict[bool, TestClient]]:
    """The same handlers behind the fast path and behind Connexion's stack alone."""
    apps = {fast: build(fast_path=fast, validate_responses=True) for fast in (True, False)}
    with apps[True].test_client() as fast, apps[False].test_client() as slow:
        yield {True: fast, False: slow}


def answer(client: TestClient, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    response = client.request(method, path, **kwargs)
    headers = sorted((k, v) for k, v in response.headers.items() if k != "x-request-id")
    return {"status": response.status_code, "body": response.content, "headers": headers}


TOKEN = bearer([1, 2])
CASES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "valid": ("POST", IDEAS, {"json": VALID, "headers": TOKEN}),
    "valid, charset": (
        "POST",
        IDEAS,
        {
            "content": json.dumps(VALID),
            "headers": {**TOKEN, "content-type": "application/json; charset=utf-8"},
        },
    ),
    "handler problem": ("POST", "/organizations/2/ideas", {"json": VALID, "headers": TOKEN}),
    "missing property": ("POST", IDEAS, {"json": {"name": "x"}, "headers": TOKEN}),
    "extra property": ("POST", IDEAS, {"json": {**VALID, "x": 1}, "headers": TOKEN}),
    "blank name": ("POST", IDEAS, {"json": {**VALID, "name": " \u3000"}, "headers": TOKEN}),
    "NUL": ("POST", IDEAS, {"json": {**VALID, "description": "a\u0000"}, "headers": TOKEN}),
    "too long": ("POST", IDEAS, {"json": {**VALID, "name": "x" * 51}, "headers": TOKEN}),
    "not an object": ("POST", IDEAS, {"json": [VALID], "headers": TOKEN}),
    "not JSON": ("POST", IDEAS, {"content": b"{", "headers": {**TOKEN, **JSON}}),
    "not UTF-8": ("POST", IDEAS, {"content": b'{"name": "\xff"}', "headers": {**TOKEN, **JSON}}),
    "lone surrogate": (
        "POST",
        IDEAS,
        {"content": b'{"name": "\\ud800", "description": "d"}', "headers": {**TOKEN, **JSON}},
    ),
    "deeply nested": (
        "POST",
        IDEAS,
        {"content": b"[" * 20_000 + b"]" * 20_000, "headers": {**TOKEN, **JSON}},
    ),
    "empty body": ("POST", IDEAS, {"content": b"", "headers": {**TOKEN, **JSON}}),
    "text/plain": (
        "POST",
        IDEAS,
        {"content": json.dumps(VALID), "headers": {**TOKEN, "content-type": "text/plain"}},
    ),
    "no token": ("POST", IDEAS, {"json": VALID}),
    "bad token": ("POST", IDEAS, {"json": VALID, "headers": {"Authorization": "Bearer x.y.z"}}),
    "basic auth": ("POST", IDEAS, {"json": VALID, "headers": {"Authorization": "Basic eDp5"}}),
    "bare scheme": ("POST", IDEAS, {"json": VALID, "headers": {"Authorization": "Bearer"}}),
    "no token, bad body": ("POST", IDEAS, {"json": {}}),
    "oversized": (
        "POST",
        IDEAS,
        {"content": b" " * (DEFAULT_MAX_BODY_BYTES + 1), "headers": {**TOKEN, **JSON}},
    ),
    "query string": ("POST", IDEAS + "?x=1", {"json": VALID, "headers": TOKEN}),
    "organization 0": ("POST", "/organizations/0/ideas", {"json": VALID, "headers": TOKEN}),
    "organization past int64": (
        "POST",
        "/organizations/9223372036854775808/ideas",
        {"json": VALID, "headers": TOKEN},
    ),
    "organization not a number": ("POST", "/organizations/x/ideas", {"json": VALID}),
    "trailing slash": ("POST", IDEAS + "/", {"json": VALID, "headers": TOKEN}),
    "unknown route": ("GET", "/nowhere", {}),
    "wrong method": ("PATCH", IDEAS, {"json": VALID, "headers": TOKEN}),
    "health": ("GET", "/healthz", {}),
    "list": ("GET", IDEAS, {"headers": TOKEN}),
    "delete": ("DELETE", IDEAS + "/3", {"headers": TOKEN}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_answer_on_both_paths(clients: dict[bool, TestClient], case: str) -> None:
    method, path, kwargs = CASES[case]
    assert answer(clients[True], method, path, **kwargs) == answer(
        clients[False], method, path, **kwargs
    )


def test_valid_request_skips_connexion_pipeline(
    build: Callable[..., connexion.AsyncApp], routed: list[str]
) -> None:
    with build(fast_path=True).test_client() as client:
        response = client.post(IDEAS, json=VALID, headers=TOKEN)
        assert response.status_code == 201
        assert response.json()["name"] == VALID["name"]
        assert routed == []
        # What it does not accept goes through Connexion, which words the problem.
        assert client.post(IDEAS, json={}, headers=TOKEN).status_code == 400
        assert client.post(IDEAS, json=VALID).status_code == 401
        assert routed == [IDEAS, IDEAS]


def test_switched_off_everything_goes_through_connexion(
    build: Callable[..., connexion.AsyncApp], routed: list[str]
) -> None:
    with build(fast_path=False).test_client() as client:
        assert client.post(IDEAS, json=VALID, headers=TOKEN).status_code == 201
        assert routed == [IDEAS]


def test_fast_path_is_counted_and_logged_under_its_route(
    build: Callable[..., connexion.AsyncApp], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="contractgen.access")
    with build(fast_path=True).test_client() as client:
        client.post(IDEAS, json=VALID, headers=TOKEN)
    (record,) = [r for r in caplog.records if r.name == "contractgen.access"]
    assert record.route == "/organizations/{organizationId}/ideas"  # type: ignore[attr-defined]
    assert record.status == 201  # type: ignore[attr-defined]
