"""A token for organization A sees nothing of organization B, not even whether it exists."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.idea.helpers import PROBLEM, bearer, counts, create, idea_rows, outbox_events

pytestmark = pytest.mark.postgres

A, B = 1, 2
BODY = {"name": "Taken over", "description": "A wrote this."}


@pytest.fixture
def theirs(client: TestClient) -> dict[str, Any]:
    """An idea of organization B."""
    return create(client, B, "B's idea")


def assert_not_found(response: Any, detail: str) -> None:
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": detail,
    }


@pytest.mark.parametrize(
    ("method", "json"),
    [("GET", None), ("PUT", BODY), ("DELETE", None)],
    ids=["get", "put", "delete"],
)
def test_b_s_idea_is_unknown_under_b(
    client: TestClient, db: Engine, theirs: dict[str, Any], method: str, json: Any
) -> None:
    before = (idea_rows(db), outbox_events(db))

    existing = client.request(
        method, f"/organizations/{B}/ideas/{theirs['id']}", json=json, headers=bearer(A)
    )
    missing = client.request(method, f"/organizations/{B}/ideas/999", json=json, headers=bearer(A))

    assert_not_found(existing, f"Organization {B} was not found.")
    # The same answer whether or not the idea exists: nothing is revealed.
    assert existing.json() == missing.json()
    assert (idea_rows(db), outbox_events(db)) == before


@pytest.mark.parametrize(
    ("method", "json"),
    [("GET", None), ("PUT", BODY), ("DELETE", None)],
    ids=["get", "put", "delete"],
)
def test_b_s_idea_is_unknown_under_a(
    client: TestClient, db: Engine, theirs: dict[str, Any], method: str, json: Any
) -> None:
    create(client, A, "A's idea")
    before = (idea_rows(db), outbox_events(db))

    response = client.request(
        method, f"/organizations/{A}/ideas/{theirs['id']}", json=json, headers=bearer(A)
    )

    assert_not_found(response, f"Organization {A} has no idea {theirs['id']}.")
    assert (idea_rows(db), outbox_events(db)) == before


def test_a_cannot_list_b_s_ideas(client: TestClient, theirs: dict[str, Any]) -> None:
    response = client.get(f"/organizations/{B}/ideas", headers=bearer(A))

    assert_not_found(response, f"Organization {B} was not found.")


def test_a_cannot_create_in_b(client: TestClient, db: Engine) -> None:
    response = client.post(f"/organizations/{B}/ideas", json=BODY, headers=bearer(A))

    assert_not_found(response, f"Organization {B} was not found.")
    assert counts(db) == (0, 0)


def test_a_token_with_no_organizations_sees_none(
    client: TestClient, theirs: dict[str, Any]
) -> None:
    response = client.get(f"/organizations/{B}/ideas/{theirs['id']}", headers=bearer())

    assert_not_found(response, f"Organization {B} was not found.")


def test_a_member_of_both_sees_both(client: TestClient, theirs: dict[str, Any]) -> None:
    ours = create(client, A, "A's idea")
    both = bearer(A, B)

    assert client.get(f"/organizations/{A}/ideas/{ours['id']}", headers=both).json() == ours
    assert client.get(f"/organizations/{B}/ideas/{theirs['id']}", headers=both).json() == theirs
