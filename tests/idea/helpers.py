"""Small helpers of the idea service's tests: tokens, requests, and what the database holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.testing.outbox import outbox_log
from generated.idea.events import EVENT_TYPES, IdeaEvent
from services.idea.adapters.tables import idea, outbox
from services.identity import IDENTITY

PROBLEM = "application/problem+json"


def bearer(*organizations: int, subject: str = "alice") -> dict[str, str]:
    return {
        "Authorization": f"Bearer {mint_token(IDENTITY, subject, list(organizations), secret=LOCAL_SECRET)}"
    }


def create(
    client: TestClient, organization_id: int, name: str = "Four-day week", **fields: Any
) -> dict[str, Any]:
    """Create an idea as a member of its organization; the created idea's body."""
    body = {"name": name, "description": f"About {name}.", **fields}
    response = client.post(
        f"/organizations/{organization_id}/ideas", json=body, headers=bearer(organization_id)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def counts(db: Engine) -> tuple[int, int]:
    """How many rows the idea table holds, and how many events were committed to the outbox
    (read from the WAL: the outbox table itself must be empty)."""
    with db.connect() as connection:
        ideas = connection.scalar(select(func.count()).select_from(idea))
        left = connection.scalar(select(func.count()).select_from(outbox.table))
    assert left == 0, f"{left} outbox row(s) stayed behind"
    return int(ideas or 0), len(outbox_log(_url(db)))


def idea_rows(db: Engine) -> list[dict[str, Any]]:
    with db.connect() as connection:
        rows = connection.execute(select(idea).order_by(idea.c.id)).mappings()
        return [dict(row) for row in rows]


def _url(db: Engine) -> str:
    return db.url.render_as_string(hide_password=False)


def outbox_events(db: Engine) -> list[IdeaEvent]:
    """The events committed to the outbox (from the WAL), decoded against the contract, in
    commit order. Also checks the columns Debezium routes by against the event."""
    rows = outbox_log(_url(db))
    events = []
    for row in rows:
        event = EVENT_TYPES[row.type].from_framed(row.payload)
        assert row.aggregatetype == event.__topic__ == "microservicesapp.idea.events"
        assert row.aggregateid == str(event.idea_id)
        assert row.schema_id == event.avro_schema().schema_id
        events.append(event)
    return events
