"""Oversized request bodies get 413 problem+json and never reach a handler."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import connexion
from starlette.testclient import TestClient

from contractgen.runtime.limits import DEFAULT_MAX_BODY_BYTES
from tests.runtime.conftest import InMemoryIdeas, bearer

IDEAS = "/organizations/1/ideas"
JSON = {"content-type": "application/json"}


def assert_too_large(response: Any) -> None:
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 413
    assert problem["title"] == "Content Too Large"
    assert str(DEFAULT_MAX_BODY_BYTES) in problem["detail"]
    assert problem["type"] == "about:blank"


def idea_body(size: int) -> bytes:
    """A valid idea create request padded with whitespace to `size` bytes."""
    body = json.dumps({"name": "n", "description": "d"}).encode()
    return body + b" " * (size - len(body))


def chunks(body: bytes, size: int = 10_000) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_content_length_over_the_limit(client: TestClient, handlers: InMemoryIdeas) -> None:
    body = idea_body(DEFAULT_MAX_BODY_BYTES + 1)
    response = client.post(IDEAS, content=body, headers={**bearer(), **JSON})
    assert_too_large(response)
    assert handlers.calls == []


def test_chunked_body_over_the_limit(client: TestClient, handlers: InMemoryIdeas) -> None:
    body = idea_body(DEFAULT_MAX_BODY_BYTES + 1)
    response = client.post(IDEAS, content=chunks(body), headers={**bearer(), **JSON})
    assert_too_large(response)
    assert handlers.calls == []


def test_bodies_at_the_limit_pass(client: TestClient, handlers: InMemoryIdeas) -> None:
    body = idea_body(DEFAULT_MAX_BODY_BYTES)
    assert client.post(IDEAS, content=body, headers={**bearer(), **JSON}).status_code == 201
    assert client.post(IDEAS, content=chunks(body), headers={**bearer(), **JSON}).status_code == 201
    assert [name for name, _ in handlers.calls] == ["create_idea", "create_idea"]
    assert handlers.calls[1][1]["body"] == {"name": "n", "description": "d"}


def test_the_limit_is_configurable(
    build: Callable[..., connexion.AsyncApp], handlers: InMemoryIdeas
) -> None:
    client = build(max_body_bytes=100).test_client()
    response = client.post(IDEAS, content=idea_body(101), headers={**bearer(), **JSON})
    assert response.status_code == 413
    assert "100 bytes" in response.json()["detail"]
    assert (
        client.post(IDEAS, content=idea_body(100), headers={**bearer(), **JSON}).status_code == 201
    )


def test_reading_a_stream_stops_at_the_limit(
    build: Callable[..., connexion.AsyncApp], handlers: InMemoryIdeas
) -> None:
    """Straight ASGI: the middleware stops pulling chunks once the limit is passed."""
    app = build(max_body_bytes=25_000)
    pending = [
        {"type": "http.request", "body": b" " * 10_000, "more_body": more}
        for more in (True, True, True, True, False)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return pending.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(k.lower().encode(), v.encode()) for k, v in {**bearer(), **JSON}.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": IDEAS,
        "raw_path": IDEAS.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [*headers, (b"transfer-encoding", b"chunked")],
        "server": ("testserver", 80),
        "client": ("testclient", 50000),
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert len(pending) == 2  # three chunks read: 30,000 bytes > 25,000
    assert handlers.calls == []
