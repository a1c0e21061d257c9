"""Domain objects as the contract's response bodies."""

from __future__ import annotations

from typing import Any, cast

from contractgen.runtime.paging import Page
from generated.activity import models
from services.activity.domain.activities import RecordedActivity
from services.activity.domain.payloads import timestamp


def activity(value: RecordedActivity) -> models.Activity:
    return {
        "id": value.id,
        "eventId": str(value.event_id),
        "organizationId": value.organization_id,
        # Only the subscribed event classes are recorded, and the contract's ActivityType lists
        # their names (a test holds the two together); models.py has no name for that Literal.
        "type": cast(Any, value.type),
        "aggregateId": value.aggregate_id,
        "occurredOn": timestamp(value.occurred_on),
        "payload": dict(value.payload),
    }


def activity_page(page: Page[RecordedActivity]) -> models.ActivityPage:
    return {
        "items": [activity(item) for item in page.items],
        "limit": page.request.limit,
        "offset": page.request.offset,
        "total": page.total,
    }
