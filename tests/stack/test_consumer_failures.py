"""The consumer loop on the real Kafka when a handler fails: a message whose handler keeps
failing while the database answers is dead-lettered and the rest goes on; while the database
does not answer, nothing is dead-lettered (an outage is waited out, not mistaken for poison)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer

from contractgen.runtime.consumer import Dispatcher, EventMeta, Subscription
from contractgen.runtime.database import create_engine
from contractgen.runtime.kafka_consumer import ConsumerSettings, EventConsumer
from contractgen.runtime.registry import encode_event
from contractgen.stack.kafka import ensure_topics
from contractgen.stack.stack import Stack
from generated.idea.events import IdeaCreated
from services.activity.adapters.tables import inbox
from services.activity.bootstrap import SERVICE
from tests.conftest import free_port

pytestmark = pytest.mark.stack

POISON = "Poison for the handler"


class Handlers:
    """Applies every idea except the poisoned one, whose handler always raises."""

    def __init__(self) -> None:
        self.applied: list[str] = []

    async def on_idea_created(self, event: IdeaCreated, meta: EventMeta) -> None:
        if event.name == POISON:
            raise RuntimeError("this handler cannot take that idea")
        self.applied.append(event.name)


@pytest.fixture
def topic(stack: Stack) -> Iterator[str]:
    name = f"e2e.failures.{uuid.uuid4().hex[:8]}"
    ensure_topics(stack.bootstrap, [(name, 1), (name + ".dlq", 1)])
    yield name


@pytest.fixture(scope="module")
def database_url(stack: Stack) -> str:
    stack.postgres.create_database("consumer_failures")
    url = stack.database_url("consumer_failures")
    SERVICE.migrate(url)
    return url


def publish(stack: Stack, topic: str, *names: str) -> None:
    producer = Producer({"bootstrap.servers": stack.bootstrap})
    for n, name in enumerate(names):
        event = IdeaCreated(
            idea_id=n + 1,
            organization_id=1,
            name=name,
            description="d",
            created_on=datetime(2026, 1, 1, tzinfo=UTC),
        )
        headers = [("id", str(uuid.uuid4()).encode()), ("eventType", b"IdeaCreated")]
        producer.produce(topic, key=str(n + 1), value=encode_event(event), headers=headers)
    assert producer.flush(10) == 0


async def run_until(consumer: EventConsumer, done: Any, seconds: float) -> None:
    task = asyncio.create_task(consumer.run())
    try:
        for _ in range(int(seconds * 10)):
            if done() or task.done():
                break
            await asyncio.sleep(0.1)
    finally:
        consumer.stop()
        await task


def consumer_for(stack: Stack, topic: str, handlers: Handlers, url: str) -> EventConsumer:
    return EventConsumer(
        ConsumerSettings(stack.bootstrap, f"e2e-{uuid.uuid4()}", retry_pause=0.1),
        Dispatcher(handlers, [Subscription(topic, IdeaCreated, "on_idea_created")]),
        create_engine(url),
        inbox,
    )


def committed(stack: Stack, topic: str) -> int:
    """How many events of `topic` the consumer applied for good (its inbox rows)."""
    rows = stack.postgres.psql(
        f"SELECT count(*) FROM {inbox.name} WHERE topic = '{topic}'", database="consumer_failures"
    )
    return int(rows.split()[0])


def dead_letters(stack: Stack, topic: str) -> list[Any]:
    reader = Consumer(
        {
            "bootstrap.servers": stack.bootstrap,
            "group.id": f"e2e-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
        }
    )
    reader.subscribe([topic + ".dlq"])
    found = []
    try:
        for _ in range(20):
            message = reader.poll(0.5)
            if message is not None and message.error() is None:
                found.append(message)
            elif found:
                break
    finally:
        reader.close()
    return found


def test_a_message_whose_handler_keeps_failing_is_dead_lettered_and_the_rest_applied(
    stack: Stack, topic: str, database_url: str
) -> None:
    publish(stack, topic, "Before", POISON, "After")
    handlers = Handlers()
    consumer = consumer_for(stack, topic, handlers, database_url)

    asyncio.run(run_until(consumer, lambda: "After" in handlers.applied, seconds=60))

    # A failed attempt at a batch rolls back; the handler may have run, the inbox says what stuck.
    assert set(handlers.applied) == {"Before", "After"}
    assert committed(stack, topic) == 2
    assert consumer.dead_lettered == 1
    [dead] = dead_letters(stack, topic)
    headers = {key: value.decode() for key, value in dead.headers() or []}
    assert headers["dlq.reason"].startswith("handler failed 3 times: RuntimeError(")
    assert IdeaCreated.from_framed(dead.value()).name == POISON


def test_while_the_database_does_not_answer_nothing_is_dead_lettered(
    stack: Stack, topic: str
) -> None:
    publish(stack, topic, "During the outage")
    handlers = Handlers()
    unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    consumer = consumer_for(stack, topic, handlers, unreachable)

    asyncio.run(run_until(consumer, lambda: False, seconds=4))

    assert handlers.applied == []
    assert consumer.dead_lettered == 0
    assert dead_letters(stack, topic) == []
