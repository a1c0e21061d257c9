"""Nothing lost on the dead-letter path, on a real Kafka broker that really refuses the dead letter.

The dead-letter topic is created with a `max.message.bytes` far below the dead letter's size, so
the broker answers MESSAGE_TOO_LARGE. While it does, the consumer must keep retrying that message:
not apply the message behind it, not commit. Once the topic is fixed, the dead letter arrives
exactly once, and only then does the group's offset move past it.

Only Kafka runs here (no Connect, no services): the broker of the embedded stack on free ports,
PostgreSQL from the test session for the consumer's inbox.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import (  # type: ignore[attr-defined]
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    NewTopic,
)

from contractgen.runtime.consumer import Dispatcher, EventMeta, Subscription
from contractgen.runtime.database import create_engine
from contractgen.runtime.kafka_consumer import ConsumerSettings, EventConsumer
from contractgen.runtime.registry import encode_event
from contractgen.stack.artifacts import ensure_artifacts
from contractgen.stack.kafka import admin, start_kafka, wait_for_kafka
from contractgen.stack.processes import ManagedProcess
from generated.idea.events import IdeaCreated
from services.activity.adapters.tables import inbox
from services.activity.bootstrap import SERVICE as ACTIVITY
from tests.conftest import free_port

pytestmark = pytest.mark.stack

TOO_SMALL = "200"  # bytes: below any dead letter of the 2 KB message below
ENOUGH = "1048588"  # Kafka's default


@pytest.fixture(scope="module")
def bootstrap() -> Iterator[str]:
    """A Kafka broker of its own (KRaft, one node) on free loopback ports."""
    state_dir = Path(tempfile.mkdtemp(prefix="contractgen-dlq-kafka-"))
    process = ManagedProcess("kafka", state_dir)
    port = free_port()
    try:
        start_kafka(process, ensure_artifacts(print), port, free_port())
        wait_for_kafka(process, f"127.0.0.1:{port}")
        yield f"127.0.0.1:{port}"
    finally:
        process.stop()
        shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture
def database_url(new_database: Callable[[str], str]) -> str:
    url = new_database("dead_letters")
    ACTIVITY.migrate(url)
    return url


@pytest.fixture
def topic(bootstrap: str) -> str:
    """A topic, and its dead-letter topic configured to refuse every dead letter."""
    name = f"dlq.test.{uuid.uuid4().hex[:8]}"
    client = admin(bootstrap)  # kept: its futures fail when the client is collected
    futures = client.create_topics(
        [
            NewTopic(name, num_partitions=1, replication_factor=1),
            NewTopic(
                name + ".dlq",
                num_partitions=1,
                replication_factor=1,
                config={"max.message.bytes": TOO_SMALL},
            ),
        ]
    )
    for future in futures.values():
        future.result()
    return name


class Handlers:
    def __init__(self) -> None:
        self.applied: list[str] = []

    async def on_idea_created(self, event: IdeaCreated, meta: EventMeta) -> None:
        self.applied.append(event.name)


def publish(bootstrap: str, topic: str) -> None:
    """An undecodable message (no outbox headers) of 2 KB, then a good event behind it."""
    producer = Producer({"bootstrap.servers": bootstrap})
    producer.produce(topic, key="1", value=b"\x00" * 2048)
    good = IdeaCreated(
        idea_id=2,
        organization_id=1,
        name="Behind the dead letter",
        description="d",
        created_on=datetime(2026, 1, 1, tzinfo=UTC),
    )
    headers = [("id", str(uuid.uuid4()).encode()), ("eventType", b"IdeaCreated")]
    producer.produce(topic, key="2", value=encode_event(good), headers=headers)
    assert producer.flush(10) == 0


def committed(bootstrap: str, group: str, topic: str) -> int:
    """The group's committed offset on the topic's partition; negative when none."""
    reader = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        [position] = reader.committed([TopicPartition(topic, 0)], timeout=10)
        return int(position.offset)
    finally:
        reader.close()


def dead_letters(bootstrap: str, topic: str) -> list[Any]:
    """Everything in the dead-letter topic, read from the start by a group of its own."""
    reader = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"reader-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    reader.assign([TopicPartition(topic + ".dlq", 0, 0)])
    found = []
    try:
        for _ in range(6):  # 3 s of silence after the last record ends the read
            message = reader.poll(0.5)
            if message is not None and message.error() is None:
                found.append(message)
    finally:
        reader.close()
    return found


def allow_dead_letters(bootstrap: str, topic: str) -> None:
    resource = ConfigResource(
        ConfigResource.Type.TOPIC,
        topic + ".dlq",
        incremental_configs=[
            ConfigEntry("max.message.bytes", ENOUGH, incremental_operation=AlterConfigOpType.SET)
        ],
    )
    client = admin(bootstrap)  # kept: its futures fail when the client is collected
    for future in client.incremental_alter_configs([resource]).values():
        future.result()


def consumer_for(bootstrap: str, group: str, topic: str, handlers: Handlers, url: str) -> Any:
    return EventConsumer(
        ConsumerSettings(bootstrap, group, retry_pause=0.2, dead_letter_ack_timeout=3.0),
        Dispatcher(handlers, [Subscription(topic, IdeaCreated, "on_idea_created")]),
        create_engine(url),
        inbox,
    )


async def wait_for(condition: Callable[[], bool], seconds: float, task: asyncio.Task[None]) -> None:
    for _ in range(int(seconds * 10)):
        if condition():
            return
        assert not task.done(), f"the consumer stopped: {task.exception()!r}"
        await asyncio.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {condition}")


def test_a_refused_dead_letter_is_retried_and_the_offset_moves_only_once_it_is_acknowledged(
    bootstrap: str, topic: str, database_url: str
) -> None:
    publish(bootstrap, topic)
    group = f"dlq-{uuid.uuid4()}"
    handlers = Handlers()
    consumer = consumer_for(bootstrap, group, topic, handlers, database_url)

    async def scenario() -> tuple[int, list[str], int, int]:
        task = asyncio.create_task(consumer.run())
        try:
            await wait_for(lambda: consumer.dead_letters_refused >= 3, 30, task)
            # Refused three times over: still on the same message, nothing applied or committed.
            during = await asyncio.to_thread(committed, bootstrap, group, topic)
            applied_during = list(handlers.applied)
            in_topic_during = len(await asyncio.to_thread(dead_letters, bootstrap, topic))
            await asyncio.to_thread(allow_dead_letters, bootstrap, topic)
            await wait_for(lambda: handlers.applied != [], 60, task)
            await wait_for(lambda: committed(bootstrap, group, topic) == 2, 30, task)
            return during, applied_during, in_topic_during, consumer.dead_letters_refused
        finally:
            consumer.stop()
            await task

    during, applied_during, in_topic_during, refused = asyncio.run(scenario())

    assert during < 0, "an offset was committed while the dead letter was refused"
    assert applied_during == [], "the consumer moved on past a message it could not set aside"
    assert in_topic_during == 0
    assert refused >= 3
    assert handlers.applied == ["Behind the dead letter"]
    assert consumer.dead_lettered == 1
    [dead] = dead_letters(bootstrap, topic)  # exactly once
    assert dead.value() == b"\x00" * 2048
    headers = {key: (value or b"").decode() for key, value in dead.headers() or []}
    assert headers["dlq.reason"].startswith("missing or invalid outbox header")
    assert (headers["dlq.topic"], headers["dlq.offset"]) == (topic, "0")
    assert committed(bootstrap, group, topic) == 2


def test_stopped_while_the_dead_letter_is_refused_nothing_is_committed_and_the_next_run_sets_it_aside_once(
    bootstrap: str, topic: str, database_url: str
) -> None:
    publish(bootstrap, topic)
    group = f"dlq-{uuid.uuid4()}"
    first, second = Handlers(), Handlers()

    async def run(handlers: Handlers, until: Callable[[EventConsumer], bool]) -> EventConsumer:
        consumer = consumer_for(bootstrap, group, topic, handlers, database_url)
        task = asyncio.create_task(consumer.run())
        try:
            await wait_for(lambda: until(consumer), 60, task)
        finally:
            consumer.stop()
            await task
        return consumer

    refused = asyncio.run(run(first, lambda c: c.dead_letters_refused >= 2))
    assert (refused.dead_lettered, first.applied) == (0, [])
    assert committed(bootstrap, group, topic) < 0
    assert dead_letters(bootstrap, topic) == []

    allow_dead_letters(bootstrap, topic)
    accepted = asyncio.run(run(second, lambda c: c.applied == 1))

    assert (accepted.dead_letters_refused, accepted.dead_lettered) == (0, 1)
    assert second.applied == ["Behind the dead letter"]
    assert len(dead_letters(bootstrap, topic)) == 1
    assert committed(bootstrap, group, topic) == 2
