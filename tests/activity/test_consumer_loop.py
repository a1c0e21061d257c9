"""The handlers as the consumer loop calls them: Avro off the wire, decoded against the contract,
applied in the loop's transaction together with the inbox record."""

from __future__ import annotations

import asyncio
import dataclasses
import typing
from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from contractgen.runtime.avro import Event
from contractgen.runtime.consumer import Dispatcher, EventMeta
from contractgen.runtime.database import create_engine
from contractgen.runtime.kafka_consumer import ConsumerSettings, EventConsumer, apply_events
from contractgen.runtime.registry import encode_event
from contractgen.runtime.settings import ServiceSettings
from generated.activity import models
from generated.activity.consumer import SUBSCRIPTIONS, TOPICS, ActivityConsumerHandlers
from services.activity.adapters.tables import inbox
from services.activity.bootstrap import build_consumer, build_consumer_handlers
from services.identity import IDENTITY
from tests import settings
from tests.activity.support import (
    AGGREGATES,
    EXPECTED_PAYLOADS,
    activity_rows,
    every_event,
    feed,
    meta_for,
    settings_for,
)


def test_the_feed_knows_every_event_type_the_service_receives() -> None:
    contract_types = set(typing.get_args(typing.get_type_hints(models.Activity)["type"]))
    assert {sub.event_type.event_type() for sub in SUBSCRIPTIONS} == contract_types


def test_the_dispatcher_accepts_the_handlers() -> None:
    assert isinstance(
        build_consumer_handlers(
            settings.settings_for("activity", "postgresql+psycopg://nobody@127.0.0.1:1/none")
        ),
        ActivityConsumerHandlers,
    )
    dispatcher = Dispatcher(
        build_consumer_handlers(
            settings.settings_for("activity", "postgresql+psycopg://nobody@127.0.0.1:1/none")
        ),
        SUBSCRIPTIONS,
    )
    assert dispatcher.topics == TOPICS


@pytest.mark.postgres
def test_avro_off_the_wire_lands_in_the_feed(client: TestClient, database_url: str) -> None:
    """Encoded as the producing service's outbox does, decoded as the consumer loop does."""
    events = every_event()
    metas = [meta_for(event) for event in events]

    async def consume() -> None:
        engine = create_engine(database_url)
        try:
            dispatcher = Dispatcher(
                build_consumer_handlers(settings_for(database_url)), SUBSCRIPTIONS
            )
            for event, meta in zip(events, metas, strict=True):
                assert type(event).from_avro(event.to_avro()) == event
                decoded, handler = dispatcher.decode(
                    meta.topic, meta.event_type, encode_event(event)
                )
                async with engine.begin() as connection:
                    lent = dataclasses.replace(meta, connection=connection)
                    await dispatcher.dispatch(decoded, handler, lent)
        finally:
            await engine.dispose()

    asyncio.run(consume())

    items = feed(client, 1)["items"]
    by_event = {item["eventId"]: item for item in items}
    assert len(by_event) == 7
    for event, meta in zip(events, metas, strict=True):
        item = by_event[str(meta.event_id)]
        name = type(event).__name__
        assert (item["type"], item["aggregateId"]) == (name, AGGREGATES[name])
        assert item["payload"] == EXPECTED_PAYLOADS[name]


async def apply_as_the_loop_does(
    database_url: str, batch: Sequence[tuple[Event, EventMeta]], *, fail: bool = False
) -> None:
    """EventConsumer's own batch step (`apply_events`) in one transaction; `fail` breaks the
    transaction after the handlers ran, before the commit."""
    engine = create_engine(database_url)
    dispatcher = Dispatcher(build_consumer_handlers(settings_for(database_url)), SUBSCRIPTIONS)
    try:
        async with engine.begin() as connection:
            events = []
            for event, meta in batch:
                decoded, handler = dispatcher.decode(
                    meta.topic, meta.event_type, encode_event(event)
                )
                events.append((decoded, handler, meta))
            await apply_events(connection, inbox, events)
            if fail:
                raise RuntimeError("the database went away before the commit")
    finally:
        await engine.dispose()


def inbox_count(database_url: str) -> int:
    async def count() -> int:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                return int(await connection.scalar(select(func.count()).select_from(inbox)) or 0)
        finally:
            await engine.dispose()

    return asyncio.run(count())


@pytest.mark.postgres
def test_writes_in_the_loops_transaction(database_url: str) -> None:
    batch = [(event, meta_for(event)) for event in every_event()]

    asyncio.run(apply_as_the_loop_does(database_url, batch))

    assert [row["event_id"] for row in activity_rows(database_url)] == [
        meta.event_id for _, meta in batch
    ]
    assert inbox_count(database_url) == 7


@pytest.mark.postgres
def test_rolls_back_with_the_loops_transaction(database_url: str) -> None:
    batch = [(event, meta_for(event)) for event in every_event()]

    with pytest.raises(RuntimeError):
        asyncio.run(apply_as_the_loop_does(database_url, batch, fail=True))

    assert activity_rows(database_url) == []
    assert inbox_count(database_url) == 0

    asyncio.run(apply_as_the_loop_does(database_url, batch))  # the batch, redelivered
    assert len(activity_rows(database_url)) == 7


@pytest.mark.postgres
def test_a_batch_redelivered_after_its_commit_changes_nothing(database_url: str) -> None:
    batch = [(event, meta_for(event)) for event in every_event()]

    asyncio.run(apply_as_the_loop_does(database_url, batch))
    before = activity_rows(database_url)
    asyncio.run(apply_as_the_loop_does(database_url, batch))

    assert activity_rows(database_url) == before


@pytest.mark.postgres
def test_the_same_event_twice_in_one_batch_is_applied_once(database_url: str) -> None:
    event = every_event()[0]
    meta = meta_for(event)

    asyncio.run(apply_as_the_loop_does(database_url, [(event, meta), (event, meta)]))

    assert [row["event_id"] for row in activity_rows(database_url)] == [meta.event_id]
    assert inbox_count(database_url) == 1


@pytest.mark.postgres
def test_a_redelivery_inside_the_window_is_applied_once_even_after_a_pruning(
    database_url: str,
) -> None:
    """Pruning takes only ids older than the window: an event redelivered inside it (a consumer
    rewound, Connect replaying) still finds its id and changes nothing."""
    batch = [(event, meta_for(event)) for event in every_event()]
    asyncio.run(apply_as_the_loop_does(database_url, batch))
    before = activity_rows(database_url)

    async def prune_as_the_loop_does() -> int:
        engine = create_engine(database_url)
        consumer = EventConsumer(
            ConsumerSettings("127.0.0.1:1", "prune"), Dispatcher(object(), []), engine, inbox
        )
        try:
            return await consumer.prune_inbox()  # the default window: 30 days
        finally:
            await engine.dispose()

    assert asyncio.run(prune_as_the_loop_does()) == 0
    asyncio.run(apply_as_the_loop_does(database_url, batch))  # redelivered

    assert activity_rows(database_url) == before
    assert inbox_count(database_url) == 7


def test_the_pruning_window_comes_from_the_environment_and_defaults_to_30_days() -> None:
    assert ServiceSettings.from_env(
        "activity", IDENTITY, environ={"JWT_SECRET": "s"}
    ).inbox_retention == timedelta(days=30)
    settings = ServiceSettings.from_env(
        "activity",
        IDENTITY,
        environ={
            "JWT_SECRET": "s",
            "ACTIVITY_INBOX_RETENTION_DAYS": "45",
            "ACTIVITY_INBOX_PRUNE_INTERVAL_SECONDS": "60",
        },
    )
    assert (settings.inbox_retention, settings.inbox_prune_interval) == (timedelta(days=45), 60)
    consumer = build_consumer(settings, create_engine(settings.database_url))
    assert consumer.settings.inbox_retention == timedelta(days=45)
    assert consumer.settings.inbox_prune_interval == 60
    for bad in ("0", "-3", "a week"):
        with pytest.raises(ValueError, match="ACTIVITY_INBOX_RETENTION_DAYS"):
            ServiceSettings.from_env(
                "activity",
                IDENTITY,
                environ={"JWT_SECRET": "s", "ACTIVITY_INBOX_RETENTION_DAYS": bad},
            )
