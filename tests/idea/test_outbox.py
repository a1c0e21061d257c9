"""Every change writes exactly the events its operation declares (x-emits), in its transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from contractgen.runtime.database import UnitOfWork
from generated.idea.events import IdeaCreated, IdeaDeleted, IdeaEvent, IdeaUpdated
from generated.idea.handlers import OPERATIONS
from services.idea.adapters.repository import IdeaRepository
from services.idea.domain.ideas import Idea
from services.idea.service_layer.unit_of_work import IdeaUnitOfWork
from tests.idea.conftest import FakeClock
from tests.idea.helpers import bearer, counts, create, idea_rows, outbox_events

pytestmark = pytest.mark.postgres

BODY = {"name": "Four-day week", "description": "Two quarters, then decide."}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def declared(operation_id: str) -> list[str]:
    return list(OPERATIONS[operation_id].emits)


def test_create_writes_idea_created(client: TestClient, db: Engine) -> None:
    created = create(client, 1, "Four-day week", description="One quarter.")

    events = outbox_events(db)

    assert [type(event).__name__ for event in events] == declared("createIdea")
    assert events == [
        IdeaCreated(
            idea_id=created["id"],
            organization_id=1,
            name="Four-day week",
            description="One quarter.",
            created_on=at(created["createdOn"]),
        )
    ]


def test_update_writes_idea_updated(client: TestClient, clock: FakeClock, db: Engine) -> None:
    created = create(client, 1)
    clock.advance(hours=1)

    updated = client.put(f"/organizations/1/ideas/{created['id']}", json=BODY, headers=bearer(1))

    new_events = outbox_events(db)[1:]
    assert [type(event).__name__ for event in new_events] == declared("updateIdea")
    assert new_events == [
        IdeaUpdated(
            idea_id=created["id"],
            organization_id=1,
            name="Four-day week",
            description="Two quarters, then decide.",
            last_updated=at(updated.json()["lastUpdated"]),
        )
    ]


def test_delete_writes_idea_deleted(client: TestClient, clock: FakeClock, db: Engine) -> None:
    created = create(client, 1)
    clock.advance(hours=2)

    client.delete(f"/organizations/1/ideas/{created['id']}", headers=bearer(1))

    new_events = outbox_events(db)[1:]
    assert [type(event).__name__ for event in new_events] == declared("deleteIdea")
    assert new_events == [
        IdeaDeleted(
            idea_id=created["id"],
            organization_id=1,
            deleted_on=datetime(2026, 1, 31, 12, 0, 0, 123000, tzinfo=UTC),
        )
    ]


def test_a_life_in_events(client: TestClient, db: Engine) -> None:
    first, second = create(client, 1, "First"), create(client, 2, "Second")
    client.put(f"/organizations/1/ideas/{first['id']}", json=BODY, headers=bearer(1))
    client.delete(f"/organizations/2/ideas/{second['id']}", headers=bearer(2))
    client.delete(f"/organizations/1/ideas/{first['id']}", headers=bearer(1))

    summary = [(type(e).__name__, e.idea_id, e.organization_id) for e in outbox_events(db)]

    assert summary == [
        ("IdeaCreated", first["id"], 1),
        ("IdeaCreated", second["id"], 2),
        ("IdeaUpdated", first["id"], 1),
        ("IdeaDeleted", second["id"], 2),
        ("IdeaDeleted", first["id"], 1),
    ]
    # Every event was committed (the outbox table itself stays empty: counts checks it).
    assert counts(db) == (0, 5)


def test_reads_write_nothing(client: TestClient, db: Engine) -> None:
    created = create(client, 1)

    client.get(f"/organizations/1/ideas/{created['id']}", headers=bearer(1))
    client.get("/organizations/1/ideas", headers=bearer(1))
    client.get("/healthz")
    client.get("/readyz")

    assert counts(db) == (1, 1)
    assert declared("getIdea") == declared("listIdeas") == []


def fail_after_publishing(monkeypatch: pytest.MonkeyPatch) -> list[IdeaEvent]:
    """Make every unit of work fail right after an event is written to the outbox; the events
    that were written (and must be rolled back) are collected."""
    written: list[IdeaEvent] = []

    async def publish(self: IdeaUnitOfWork, event: IdeaEvent) -> None:
        await UnitOfWork.publish(self, event)
        written.append(event)
        raise RuntimeError("the process died after publishing")

    monkeypatch.setattr(IdeaUnitOfWork, "publish", publish)
    return written


def assert_internal_error(response: Any) -> None:
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Internal Server Error"


def test_a_failure_after_publishing_rolls_back_a_create(
    client: TestClient, db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = fail_after_publishing(monkeypatch)

    response = client.post("/organizations/1/ideas", json=BODY, headers=bearer(1))

    assert_internal_error(response)
    assert [type(event) for event in written] == [IdeaCreated]
    assert counts(db) == (0, 0)


@pytest.mark.parametrize(
    ("method", "json", "event"),
    [("PUT", BODY, IdeaUpdated), ("DELETE", None, IdeaDeleted)],
    ids=["put", "delete"],
)
def test_a_failure_after_publishing_rolls_back_a_change(
    client: TestClient,
    db: Engine,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    json: Any,
    event: type[IdeaEvent],
) -> None:
    created = create(client, 1, "Unchanged")
    before = (idea_rows(db), outbox_events(db))
    written = fail_after_publishing(monkeypatch)

    response = client.request(
        method, f"/organizations/1/ideas/{created['id']}", json=json, headers=bearer(1)
    )

    assert_internal_error(response)
    assert [type(e) for e in written] == [event]
    assert (idea_rows(db), outbox_events(db)) == before


def test_a_change_that_fails_publishes_nothing(
    client: TestClient, db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = create(client, 1, "Unchanged")
    before = (idea_rows(db), outbox_events(db))

    async def save(self: IdeaRepository, idea: Idea) -> None:
        raise RuntimeError("the database refused the update")

    monkeypatch.setattr(IdeaRepository, "save", save)
    response = client.put(f"/organizations/1/ideas/{created['id']}", json=BODY, headers=bearer(1))

    assert_internal_error(response)
    assert (idea_rows(db), outbox_events(db)) == before
