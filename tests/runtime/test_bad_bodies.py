"""Malformed request bodies get 400 problem+json and never reach a handler."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.runtime.conftest import InMemoryIdeas, bearer

IDEAS = "/organizations/1/ideas"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"\xff\xfe)\x00x", "not valid UTF-8"),
        (b'{"name": "n", "description": ', "Expecting value"),
        (b'{"name": 5, "description": "d"}', "5 is not of type 'string'"),
        (b'{"name": "n", "description": "d", "extra": 1}', "Additional properties are not allowed"),
        (b'{"name": "", "description": "d"}', "should be non-empty"),
    ],
)
def test_bad_body_is_a_400_problem(
    client: TestClient, handlers: InMemoryIdeas, body: bytes, detail: str
) -> None:
    response = client.post(
        IDEAS, content=body, headers={**bearer(), "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]
    assert handlers.calls == []
