"""Ideas through the real HTTP app, on a migrated PostgreSQL database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.idea.conftest import FakeClock
from tests.idea.helpers import PROBLEM, bearer, counts, create, idea_rows

pytestmark = pytest.mark.postgres

BODY = {"name": "Four-day week", "description": "Try a four-day working week for one quarter."}


def test_create_answers_201_with_the_idea(client: TestClient, db: Engine) -> None:
    response = client.post("/organizations/1/ideas", json=BODY, headers=bearer(1))

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "id": 1,
        "organizationId": 1,
        "name": "Four-day week",
        "description": "Try a four-day working week for one quarter.",
        "createdOn": "2026-01-31T10:00:00.123Z",
        "lastUpdated": "2026-01-31T10:00:00.123Z",
    }
    assert counts(db) == (1, 1)


def test_get_answers_the_stored_idea(client: TestClient) -> None:
    created = create(client, 1)

    response = client.get(f"/organizations/1/ideas/{created['id']}", headers=bearer(1))

    assert response.status_code == 200
    assert response.json() == created


def test_update_replaces_content_and_bumps_last_updated(
    client: TestClient, clock: FakeClock, db: Engine
) -> None:
    created = create(client, 1)
    clock.advance(days=2, microseconds=500)
    changed = {"name": "Four-day week", "description": "Two quarters, then decide."}

    response = client.put(
        f"/organizations/1/ideas/{created['id']}", json=changed, headers=bearer(1)
    )

    assert response.status_code == 200
    assert response.json() == {
        **created,
        "description": "Two quarters, then decide.",
        "lastUpdated": "2026-02-02T10:00:00.123Z",
    }
    assert client.get(f"/organizations/1/ideas/{created['id']}", headers=bearer(1)).json() == (
        response.json()
    )
    assert counts(db) == (1, 2)


def test_update_within_the_same_millisecond_still_moves_last_updated(client: TestClient) -> None:
    created = create(client, 1)

    response = client.put(f"/organizations/1/ideas/{created['id']}", json=BODY, headers=bearer(1))

    assert response.json()["lastUpdated"] == "2026-01-31T10:00:00.124Z"


def test_delete_answers_204_and_the_idea_is_gone(client: TestClient, db: Engine) -> None:
    kept, deleted = create(client, 1, "Kept"), create(client, 1, "Deleted")

    response = client.delete(f"/organizations/1/ideas/{deleted['id']}", headers=bearer(1))

    assert response.status_code == 204
    assert response.content == b""
    gone = client.get(f"/organizations/1/ideas/{deleted['id']}", headers=bearer(1))
    assert gone.status_code == 404
    assert [row["id"] for row in idea_rows(db)] == [kept["id"]]
    assert counts(db) == (1, 3)


@pytest.mark.parametrize(
    ("method", "json"),
    [("GET", None), ("PUT", BODY), ("DELETE", None)],
    ids=["get", "put", "delete"],
)
def test_an_unknown_idea_is_404(
    client: TestClient, db: Engine, method: str, json: dict[str, str] | None
) -> None:
    create(client, 1)

    response = client.request(method, "/organizations/1/ideas/999", json=json, headers=bearer(1))

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Organization 1 has no idea 999.",
    }
    assert counts(db) == (1, 1)


def test_a_deleted_idea_cannot_be_deleted_again(client: TestClient, db: Engine) -> None:
    created = create(client, 1)
    assert (
        client.delete(f"/organizations/1/ideas/{created['id']}", headers=bearer(1)).status_code
        == 204
    )

    again = client.delete(f"/organizations/1/ideas/{created['id']}", headers=bearer(1))

    assert again.status_code == 404
    assert counts(db) == (0, 2)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic YTpi"}],
    ids=["none", "malformed", "not-bearer"],
)
def test_a_caller_without_a_valid_token_is_401(
    client: TestClient, db: Engine, headers: dict[str, str]
) -> None:
    response = client.post("/organizations/1/ideas", json=BODY, headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert counts(db) == (0, 0)
