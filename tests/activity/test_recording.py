"""The consumer's handlers on a real database: each event one activity, once, read back through
the HTTP app."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from contractgen.runtime.avro import Event
from generated.idea.events import IdeaCreated, IdeaUpdated
from generated.organization.events import DepartmentCreated, OrganizationCreated
from services.activity.bootstrap import build_consumer_handlers
from tests.activity.support import (
    AGGREGATES,
    EXPECTED_PAYLOADS,
    RECEIVED,
    T0,
    activity_rows,
    deliver,
    deliver_each,
    every_event,
    feed,
    meta_for,
    settings_for,
)

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("event", every_event(), ids=lambda event: type(event).__name__)
def test_every_event_type_lands_as_one_activity(
    client: TestClient, database_url: str, event: Event
) -> None:
    occurred = T0 + timedelta(hours=5)
    [meta] = deliver_each(database_url, [event], occurred_at=occurred)

    page = feed(client, 1)

    name = type(event).__name__
    [item] = page["items"]
    assert item == {
        "id": item["id"],
        "eventId": str(meta.event_id),
        "organizationId": 1,
        "type": name,
        "aggregateId": AGGREGATES[name],
        "occurredOn": "2026-01-31T15:00:00.000Z",
        "payload": EXPECTED_PAYLOADS[name],
    }
    assert list(item["payload"]) == list(EXPECTED_PAYLOADS[name])  # the contract's field order
    assert page["total"] == 1


def test_the_aggregate_id_is_the_message_key(client: TestClient, database_url: str) -> None:
    [event] = every_event()[4:5]
    deliver(database_url, [(event, meta_for(event, key="idea-41"))])

    assert feed(client, 1)["items"][0]["aggregateId"] == "idea-41"


def test_a_redelivered_event_is_recorded_once(client: TestClient, database_url: str) -> None:
    event = every_event()[4]
    meta = meta_for(event)

    deliver(database_url, [(event, meta), (event, meta)])
    deliver(database_url, [(event, meta)])

    page = feed(client, 1)
    assert page["total"] == 1
    assert [item["eventId"] for item in page["items"]] == [str(meta.event_id)]


def test_the_first_delivery_of_an_event_id_wins(client: TestClient, database_url: str) -> None:
    first = every_event()[4]
    assert isinstance(first, IdeaCreated)
    meta = meta_for(first)
    changed = IdeaCreated(**{**vars(first), "name": "Something else"})

    deliver(database_url, [(first, meta), (changed, meta)])

    [row] = activity_rows(database_url)
    assert row["payload"]["name"] == "Four-day week"


def test_concurrent_deliveries_of_one_event_record_it_once(database_url: str) -> None:
    """As after a rebalance, when two consumers hold the same message for a moment."""
    event = every_event()[4]
    meta = meta_for(event)

    async def race() -> list[bool]:
        recorders = [build_consumer_handlers(settings_for(database_url)) for _ in range(8)]
        return list(await asyncio.gather(*(r.record(event, meta) for r in recorders)))

    assert sorted(asyncio.run(race())) == [False] * 7 + [True]
    assert len(activity_rows(database_url)) == 1


class TestWhenItHappened:
    def test_the_envelopes_time_first(self, client: TestClient, database_url: str) -> None:
        event = every_event()[0]
        deliver_each(database_url, [event], occurred_at=T0 - timedelta(days=1))

        assert feed(client, 1)["items"][0]["occurredOn"] == "2026-01-30T10:00:00.000Z"

    def test_else_the_events_own_timestamp(self, client: TestClient, database_url: str) -> None:
        event = every_event()[5]
        assert isinstance(event, IdeaUpdated)
        deliver_each(database_url, [event])

        assert feed(client, 1)["items"][0]["occurredOn"] == "2026-01-31T10:02:00.000Z"

    def test_else_when_it_was_received(self, client: TestClient, database_url: str) -> None:
        event = every_event()[1]
        assert isinstance(event, DepartmentCreated)
        deliver_each(database_url, [event])

        assert feed(client, 1)["items"][0]["occurredOn"] == "2026-02-01T12:00:00.000Z"

    def test_recorded_at_is_when_it_was_received(self, database_url: str) -> None:
        deliver_each(database_url, every_event()[:1])

        assert activity_rows(database_url)[0]["recorded_at"] == RECEIVED


def test_handlers_without_an_engine_connect_per_call(client: TestClient, database_url: str) -> None:
    event = OrganizationCreated(organization_id=5, name="Beta", description="d", created_on=T0)
    recorder = build_consumer_handlers(settings_for(database_url))

    asyncio.run(recorder.on_organization_created(event, meta_for(event)))

    assert feed(client, 5)["total"] == 1


def test_text_postgresql_cannot_hold_does_not_stop_the_feed(
    client: TestClient, database_url: str
) -> None:
    """A NUL in a key or a field is still recorded: refusing the event would block its
    partition for good."""
    event = IdeaCreated(
        idea_id=41, organization_id=1, name="a\x00b", description="d", created_on=T0
    )
    deliver(database_url, [(event, meta_for(event, key="4\x001"))])

    [item] = feed(client, 1)["items"]
    assert item["aggregateId"] == "4\ufffd1"
    assert item["payload"]["name"] == "a\x00b"
