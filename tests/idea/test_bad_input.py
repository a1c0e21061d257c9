"""Requests the contract refuses: a 4xx problem, and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.idea.helpers import PROBLEM, bearer, counts, create, idea_rows, outbox_events

pytestmark = pytest.mark.postgres

JSON = {"Content-Type": "application/json"}
GOOD = '"description": "d"'

BAD_BODIES = {
    "malformed-json": '{"name": "n", ',
    "not-an-object": '["n", "d"]',
    "empty-object": "{}",
    "missing-description": '{"name": "n"}',
    "name-not-a-string": f'{{"name": 1, {GOOD}}}',
    "name-null": f'{{"name": null, {GOOD}}}',
    "description-not-a-string": '{"name": "n", "description": ["d"]}',
    "name-empty": f'{{"name": "", {GOOD}}}',
    "name-blank": f'{{"name": " \\t ", {GOOD}}}',
    "name-over-50": f'{{"name": "{"x" * 51}", {GOOD}}}',
    "description-empty": '{"name": "n", "description": ""}',
    "description-over-500": f'{{"name": "n", "description": "{"x" * 501}"}}',
    "unknown-field": f'{{"name": "n", {GOOD}, "organizationId": 2}}',
    "name-with-nul": f'{{"name": "a\\u0000b", {GOOD}}}',
    "description-with-lone-surrogate": '{"name": "n", "description": "\\ud800"}',
}


@pytest.fixture
def existing(client: TestClient, db: Engine) -> Iterator[dict[str, Any]]:
    """One idea; the test must leave it, and the outbox, exactly as they were."""
    idea = create(client, 1)
    before = (idea_rows(db), outbox_events(db))
    yield idea
    assert (idea_rows(db), outbox_events(db)) == before


def assert_problem(response: Any, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_create_refuses(client: TestClient, db: Engine, body: str) -> None:
    response = client.post(
        "/organizations/1/ideas", content=body.encode(), headers={**bearer(1), **JSON}
    )

    assert_problem(response)
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_update_refuses(client: TestClient, existing: dict[str, Any], body: str) -> None:
    response = client.put(
        f"/organizations/1/ideas/{existing['id']}",
        content=body.encode(),
        headers={**bearer(1), **JSON},
    )

    assert_problem(response)


def test_create_refuses_a_body_that_is_not_json(client: TestClient, db: Engine) -> None:
    response = client.post(
        "/organizations/1/ideas",
        content=b"name=n&description=d",
        headers={**bearer(1), "Content-Type": "application/x-www-form-urlencoded"},
    )

    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == PROBLEM
    assert counts(db) == (0, 0)


def test_create_refuses_a_missing_body(client: TestClient, db: Engine) -> None:
    response = client.post("/organizations/1/ideas", headers={**bearer(1), **JSON})

    assert_problem(response)
    assert counts(db) == (0, 0)


# A number out of range fails validation (400); a path segment that is not an integer matches no
# route at all (Connexion's int path converter), which is a 404.
BAD_IDS = {
    "zero": ("0", 400),
    "negative": ("-1", 400),
    "over-bigint": (str(2**63), 400),
    "text": ("abc", 404),
    "float": ("1.5", 404),
}


@pytest.mark.parametrize(("bad", "status"), BAD_IDS.values(), ids=BAD_IDS.keys())
@pytest.mark.parametrize(
    ("method", "json"),
    [("GET", None), ("PUT", {"name": "n", "description": "d"}), ("DELETE", None)],
    ids=["get", "put", "delete"],
)
def test_an_idea_id_out_of_range_is_400(
    client: TestClient, existing: dict[str, Any], bad: str, status: int, method: str, json: Any
) -> None:
    response = client.request(method, f"/organizations/1/ideas/{bad}", json=json, headers=bearer(1))

    assert_problem(response, status)


@pytest.mark.parametrize(("bad", "status"), BAD_IDS.values(), ids=BAD_IDS.keys())
def test_an_organization_id_out_of_range_is_400(
    client: TestClient, existing: dict[str, Any], bad: str, status: int
) -> None:
    body = {"name": "n", "description": "d"}
    create_response = client.post(f"/organizations/{bad}/ideas", json=body, headers=bearer(1))
    list_response = client.get(f"/organizations/{bad}/ideas", headers=bearer(1))

    assert_problem(create_response, status)
    assert_problem(list_response, status)


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=x", "offset=-1", "offset=1000001", "offset=1.5"]
)
def test_bad_paging_is_400(client: TestClient, existing: dict[str, Any], query: str) -> None:
    assert_problem(client.get(f"/organizations/1/ideas?{query}", headers=bearer(1)))
