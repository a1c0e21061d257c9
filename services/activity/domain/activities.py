"""An activity: one event of another service, as its organization's feed shows it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

TYPE_MAX = 100


@dataclass(frozen=True)
class Activity:
    """What an event says happened. The payload holds the event's fields, JSON-safe, under the
    names its contract gives them."""

    event_id: UUID
    organization_id: int
    type: str
    aggregate_id: str
    occurred_on: datetime
    payload: Mapping[str, Any]

    def __post_init__(self) -> None:
        if not self.type or len(self.type) > TYPE_MAX:
            raise ValueError(f"an activity type has 1 to {TYPE_MAX} characters: {self.type!r}")
        object.__setattr__(self, "occurred_on", as_utc(self.occurred_on))
        object.__setattr__(self, "type", storable(self.type))
        object.__setattr__(self, "aggregate_id", storable(self.aggregate_id))


@dataclass(frozen=True, kw_only=True)
class RecordedActivity(Activity):
    """An activity in the feed, with the id the feed gave it (later activities, higher ids)."""

    id: int


def happened_at(
    announced: datetime | None, fields: Iterable[object], received: datetime
) -> datetime:
    """When an event happened: the time its envelope announces, else the first timestamp among
    its own fields, else the time it was received."""
    if announced is not None:
        return as_utc(announced)
    own = next((value for value in fields if isinstance(value, datetime)), None)
    return as_utc(own if own is not None else received)


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive one is taken to be UTC already (as Avro timestamps are)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def storable(text: str) -> str:
    """`text` without NUL, which PostgreSQL text cannot hold. An event is recorded whatever its
    key says: refusing it would stop its partition for good."""
    return text.replace("\x00", "\N{REPLACEMENT CHARACTER}")
