"""Helpers of the activity tests: events of every type, their envelopes, delivery, the feed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool
from starlette.testclient import TestClient

from contractgen.runtime.avro import Event
from contractgen.runtime.consumer import EventMeta
from contractgen.runtime.database import create_engine as create_async_engine
from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.runtime.settings import ServiceSettings
from generated.activity.consumer import SUBSCRIPTIONS
from generated.idea.events import IdeaCreated, IdeaDeleted, IdeaEvent, IdeaUpdated
from generated.organization.events import (
    DepartmentCreated,
    MemberCreated,
    OrganizationCreated,
    OrganizationEvent,
    RoleCreated,
)
from services.activity.adapters.tables import activity
from services.activity.bootstrap import build_consumer_handlers
from services.identity import IDENTITY
from tests import settings

PROBLEM = "application/problem+json"
T0 = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
RECEIVED = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
ReceivedEvent = OrganizationEvent | IdeaEvent
METHODS = {sub.event_type: sub.method for sub in SUBSCRIPTIONS}

# What the feed shows of every_event(1): the Avro records, JSON-safe.
EXPECTED_PAYLOADS: dict[str, dict[str, Any]] = {
    "OrganizationCreated": {
        "organizationId": 1,
        "name": "Acme",
        "description": "Anvils.",
        "createdOn": "2026-01-31T10:00:00.000Z",
    },
    "DepartmentCreated": {"departmentId": 11, "organizationId": 1, "name": "Research"},
    "RoleCreated": {"roleId": 21, "organizationId": 1, "name": "Engineer"},
    "MemberCreated": {
        "memberId": 31,
        "organizationId": 1,
        "name": "Ada",
        "roleId": 21,
        "departmentId": 11,
    },
    "IdeaCreated": {
        "ideaId": 41,
        "organizationId": 1,
        "name": "Four-day week",
        "description": "One quarter.",
        "createdOn": "2026-01-31T10:01:00.000Z",
    },
    "IdeaUpdated": {
        "ideaId": 41,
        "organizationId": 1,
        "name": "Four-day week",
        "description": "Two quarters.",
        "lastUpdated": "2026-01-31T10:02:00.000Z",
    },
    "IdeaDeleted": {
        "ideaId": 41,
        "organizationId": 1,
        "deletedOn": "2026-01-31T10:03:00.000Z",
    },
}
AGGREGATES = {
    "OrganizationCreated": "1",
    "DepartmentCreated": "11",
    "RoleCreated": "21",
    "MemberCreated": "31",
    "IdeaCreated": "41",
    "IdeaUpdated": "41",
    "IdeaDeleted": "41",
}


def settings_for(database_url: str) -> ServiceSettings:
    # The secret mint_token signs with, whatever JWT_SECRET says.
    return settings.settings_for("activity", database_url)


def bearer(*organizations: int, subject: str = "alice") -> dict[str, str]:
    return {
        "Authorization": f"Bearer {mint_token(IDENTITY, subject, list(organizations), secret=LOCAL_SECRET)}"
    }


def every_event(organization_id: int = 1, at: datetime = T0) -> list[ReceivedEvent]:
    """One event of each type the service receives, about one organization."""
    minute = timedelta(minutes=1)
    return [
        OrganizationCreated(
            organization_id=organization_id, name="Acme", description="Anvils.", created_on=at
        ),
        DepartmentCreated(department_id=11, organization_id=organization_id, name="Research"),
        RoleCreated(role_id=21, organization_id=organization_id, name="Engineer"),
        MemberCreated(
            member_id=31,
            organization_id=organization_id,
            name="Ada",
            role_id=21,
            department_id=11,
        ),
        IdeaCreated(
            idea_id=41,
            organization_id=organization_id,
            name="Four-day week",
            description="One quarter.",
            created_on=at + minute,
        ),
        IdeaUpdated(
            idea_id=41,
            organization_id=organization_id,
            name="Four-day week",
            description="Two quarters.",
            last_updated=at + 2 * minute,
        ),
        IdeaDeleted(idea_id=41, organization_id=organization_id, deleted_on=at + 3 * minute),
    ]


def meta_for(event: Event, **fields: Any) -> EventMeta:
    """The envelope the consumer loop would hand over with `event` (a fresh event id)."""
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "event_type": event.event_type(),
        "topic": event.__topic__,
        "key": event.aggregate_id(),
        **fields,
    }
    return EventMeta(**values)


def deliver(
    database_url: str,
    deliveries: Sequence[tuple[Event, EventMeta]],
    clock: Callable[[], datetime] = lambda: RECEIVED,
) -> None:
    """Hand each event to the consumer handler method the contract names for its type."""

    async def scenario() -> None:
        engine = create_async_engine(database_url)
        try:
            recorder = build_consumer_handlers(
                settings_for(database_url), engine=engine, clock=clock
            )
            for event, meta in deliveries:
                await getattr(recorder, METHODS[type(event)])(event, meta)
        finally:
            await engine.dispose()

    asyncio.run(scenario())


def deliver_each(database_url: str, events: Sequence[Event], **meta: Any) -> list[EventMeta]:
    metas = [meta_for(event, **meta) for event in events]
    deliver(database_url, list(zip(events, metas, strict=True)))
    return metas


def feed(
    client: TestClient, organization_id: int, *, token: Sequence[int] | None = None, **params: Any
) -> dict[str, Any]:
    """One page of the organization's feed, read by one of its members."""
    headers = bearer(*(token if token is not None else [organization_id]))
    response = client.get(
        f"/organizations/{organization_id}/activities", params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def activity_rows(database_url: str) -> list[dict[str, Any]]:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(activity).order_by(activity.c.id)).mappings()
            return [dict(row) for row in rows]
    finally:
        engine.dispose()
