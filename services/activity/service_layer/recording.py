"""Record a received event as one activity of its organization, once per event id."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from contractgen.runtime.consumer import EventMeta
from services.activity.domain.activities import Activity, happened_at
from services.activity.domain.payloads import json_safe
from services.activity.service_layer.unit_of_work import ActivityUnitOfWork


class OrganizationEvent(Protocol):
    """What the feed needs of an event: every event the service receives has these (the
    generated event classes)."""

    @property
    def organization_id(self) -> int: ...

    @classmethod
    def event_type(cls) -> str: ...

    def to_record(self) -> dict[str, Any]: ...

    def aggregate_id(self) -> str: ...


def activity_of(event: OrganizationEvent, meta: EventMeta, received: datetime) -> Activity:
    """The activity an event makes: its Avro record (the contract's field names) as payload."""
    record = event.to_record()
    return Activity(
        event_id=meta.event_id,
        organization_id=event.organization_id,
        type=event.event_type(),
        # The Kafka key; an event handed over without one keys on its aggregate, as sent.
        aggregate_id=meta.key or event.aggregate_id(),
        occurred_on=happened_at(meta.occurred_at, record.values(), received),
        payload=json_safe(record),
    )


async def record_activity(
    uow: ActivityUnitOfWork, event: OrganizationEvent, meta: EventMeta, now: datetime
) -> bool:
    """Record the event in its organization's feed; False when its id is recorded already, so
    that a redelivered event is applied once."""
    activity = activity_of(event, meta, now)
    async with uow:
        return await uow.activities.add(activity, recorded_at=now)
