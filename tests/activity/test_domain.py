"""The domain on its own: activities, payloads as JSON, when an event happened, pages, tenancy."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from services.activity.domain.activities import Activity, RecordedActivity, happened_at, storable
from services.activity.domain.errors import InvalidInput, UnknownOrganization
from services.activity.domain.payloads import json_safe, timestamp
from services.activity.domain.rules import ID_MAX, ensure_member

T0 = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
CET = timezone(timedelta(hours=1))


def an_activity(**fields: Any) -> Activity:
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "organization_id": 1,
        "type": "IdeaCreated",
        "aggregate_id": "41",
        "occurred_on": T0,
        "payload": {"ideaId": 41},
        **fields,
    }
    return Activity(**values)


class TestActivity:
    def test_keeps_what_the_event_says(self) -> None:
        event_id = uuid.uuid4()
        activity = an_activity(event_id=event_id, payload={"ideaId": 41, "name": "n"})
        assert activity.event_id == event_id
        assert (activity.organization_id, activity.type, activity.aggregate_id) == (
            1,
            "IdeaCreated",
            "41",
        )
        assert activity.payload == {"ideaId": 41, "name": "n"}

    def test_occurred_on_is_held_in_utc(self) -> None:
        activity = an_activity(occurred_on=datetime(2026, 1, 31, 11, 0, tzinfo=CET))
        assert activity.occurred_on == T0
        assert activity.occurred_on.utcoffset() == timedelta(0)

    def test_a_naive_occurred_on_is_taken_as_utc(self) -> None:
        assert an_activity(occurred_on=datetime(2026, 1, 31, 10, 0)).occurred_on == T0

    @pytest.mark.parametrize("type_", ["", "X" * 101])
    def test_the_type_is_a_name(self, type_: str) -> None:
        with pytest.raises(ValueError):
            an_activity(type=type_)

    def test_text_loses_its_nul_characters(self) -> None:
        assert an_activity(aggregate_id="4\x001").aggregate_id == "4\ufffd1"

    def test_a_recorded_activity_has_its_feed_id(self) -> None:
        recorded = RecordedActivity(
            id=7,
            event_id=uuid.uuid4(),
            organization_id=1,
            type="RoleCreated",
            aggregate_id="21",
            occurred_on=T0,
            payload={},
        )
        assert recorded.id == 7
        assert isinstance(recorded, Activity)


class TestHappenedAt:
    def test_the_announced_time_wins(self) -> None:
        announced = T0 - timedelta(hours=1)
        assert happened_at(announced, [T0], T0 + timedelta(days=1)) == announced

    def test_else_the_events_first_timestamp(self) -> None:
        later = T0 + timedelta(hours=1)
        assert happened_at(None, [41, "name", T0, later], later) == T0

    def test_else_when_it_was_received(self) -> None:
        assert happened_at(None, [11, 1, "Research"], T0) == T0

    def test_always_in_utc(self) -> None:
        local = datetime(2026, 1, 31, 11, 0, tzinfo=CET)
        assert happened_at(local, [], T0).tzinfo == UTC
        assert happened_at(None, [datetime(2026, 1, 31, 10, 0)], local) == T0


class TestPayloads:
    def test_timestamps_are_rfc_3339_in_utc_with_milliseconds(self) -> None:
        assert timestamp(T0) == "2026-01-31T10:00:00.000Z"
        assert timestamp(datetime(2026, 1, 31, 11, 0, 0, 123456, tzinfo=CET)) == (
            "2026-01-31T10:00:00.123Z"
        )
        assert timestamp(datetime(2026, 1, 31, 10, 0)) == "2026-01-31T10:00:00.000Z"

    def test_json_values_pass_unchanged_in_their_order(self) -> None:
        record = {"ideaId": 41, "name": "n", "score": 1.5, "open": True, "note": None}
        safe = json_safe(record)
        assert safe == record
        assert list(safe) == list(record)

    def test_other_values_become_text(self) -> None:
        event_id = uuid.uuid4()
        record = {
            "createdOn": T0,
            "day": date(2026, 1, 31),
            "id": event_id,
            "price": Decimal("1.50"),
            "blob": b"\x00\x01",
            "nested": {"at": [T0]},
        }
        assert json_safe(record) == {
            "createdOn": "2026-01-31T10:00:00.000Z",
            "day": "2026-01-31",
            "id": str(event_id),
            "price": "1.50",
            "blob": "AAE=",
            "nested": {"at": ["2026-01-31T10:00:00.000Z"]},
        }

    def test_refuses_what_has_no_json_form(self) -> None:
        with pytest.raises(TypeError):
            json_safe({"x": object()})

    def test_nul_stays_in_a_payload(self) -> None:
        assert storable("a\x00b") == "a\ufffdb"
        assert json_safe({"name": "a\x00b"}) == {"name": "a\x00b"}


class TestTenancy:
    def test_a_member_may_read(self) -> None:
        ensure_member({1, 2}, 2)

    def test_anyone_else_finds_nothing(self) -> None:
        with pytest.raises(UnknownOrganization, match="Organization 3 was not found"):
            ensure_member({1, 2}, 3)

    @pytest.mark.parametrize("organization_id", [0, -1, ID_MAX + 1])
    def test_an_impossible_id_is_invalid(self, organization_id: int) -> None:
        with pytest.raises(InvalidInput):
            ensure_member({organization_id}, organization_id)
