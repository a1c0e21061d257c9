"""Mocked events on the real stack (PostgreSQL, Kafka, Kafka Connect with Debezium; no services).

1. The mock frames an event exactly as Debezium's Outbox Event Router delivers the same outbox
   row: same key, same value bytes, same headers in the same order.
2. The activity service's consumer, fed only by `contractgen mock-events` (organization and idea
   events, examples and generated data), builds a feed with every mocked event once, with its
   type, organization and key.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fastavro
import pytest
import sqlalchemy as sa
from confluent_kafka import Consumer

from contractgen.mock.events import Connector, avro_schema, frame, sent_messages
from contractgen.mock.registry import register_messages
from contractgen.runtime.consumer import headers_dict
from contractgen.runtime.database import create_engine
from contractgen.runtime.outbox import outbox_insert, outbox_table
from contractgen.runtime.registry import RegistryClient, SchemaStore, store, unframe, use_store
from contractgen.spec.project import load_project
from contractgen.stack import connect
from contractgen.stack.ports import Ports
from contractgen.stack.stack import Stack
from contractgen.topics import dead_letter_topic
from generated.idea.events import IdeaCreated
from services.activity.adapters.tables import activity
from services.activity.bootstrap import SERVICE as ACTIVITY
from services.activity.bootstrap import build_consumer
from services.idea.bootstrap import SERVICE as IDEA
from tests.mock.conftest import PLATFORM_SPECS, ROOT, service
from tests.settings import settings_for

pytestmark = pytest.mark.stack

# Ports of their own (50 above tests/stack's, within the same shift), so that both stacks can
# run in one session.
_SHIFT = int(os.environ.get("CONTRACTGEN_TEST_PORT_SHIFT", "0")) + 50
PORTS = Ports(
    postgres=25432 + _SHIFT,
    kafka=29092 + _SHIFT,
    controller=29093 + _SHIFT,
    connect=28083 + _SHIFT,
    apps_offset=20000 + _SHIFT,
)
IDEA_TOPIC = "microservicesapp.idea.events"
ORGANIZATION_TOPIC = "microservicesapp.organization.events"


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    state_dir = Path(tempfile.mkdtemp(prefix="microservicesapp-mock-stack-"))
    platform = Stack(state_dir, load_project(PLATFORM_SPECS), PORTS, root=ROOT)
    try:
        platform.up(apps=False)
        yield platform
    finally:
        platform.down()
        shutil.rmtree(state_dir, ignore_errors=True)


def read_all(bootstrap: str, topics: list[str], at_least: int, timeout: float = 60) -> list[Any]:
    """Every message on `topics` from the start: at least `at_least`, then whatever else arrives
    until the topics have been quiet for a while (a duplicate would show up then)."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"mock-test-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe(topics)
    messages: list[Any] = []
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is not None and not message.error():
                messages.append(message)
                quiet_since = time.monotonic()
            elif len(messages) >= at_least and time.monotonic() - quiet_since > 3:
                break
    finally:
        consumer.close()
    return messages


def test_mocked_framing_is_what_debezium_delivers_for_the_same_outbox_row(stack: Stack) -> None:
    url = stack.database_url("idea")
    # As the stack does for a service: migrate as its migration login, then the owner makes the
    # outbox's publication (Debezium's login does not own the outbox, so it never creates one).
    roles = stack.roles["idea"]
    IDEA.migrate(stack.role_url(roles.migration, "idea"))
    stack.postgres_for("idea").psql(roles.publication_sql(), database="idea")
    connector = next(
        c for c in connect.local_connectors(ROOT / "generated") if c["name"] == "idea-outbox"
    )
    connect.register(stack.connect_url, connector)
    # Fractions with a trailing zero and none at all: Debezium writes six digits either way.
    moments = [
        datetime(2026, 12, 4, 15, 57, 26, 340230, tzinfo=UTC),
        datetime(2026, 12, 4, 15, 57, 27, tzinfo=UTC),
    ]
    event_ids = [uuid.uuid4() for _ in moments]
    record = {
        "ideaId": 77,
        "organizationId": 3,
        "name": "Four-day week",
        "description": "Ünïcode too.",
        "createdOn": datetime(2026, 1, 31, 10, 0, tzinfo=UTC),
    }
    event = IdeaCreated(
        idea_id=77,
        organization_id=3,
        name=record["name"],
        description=record["description"],
        created_on=record["createdOn"],
    )
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    # The service's registration at start-up, then its outbox writes.
    previous = use_store(SchemaStore(RegistryClient(stack.registry_url)))
    try:
        store().register([IdeaCreated])
        for event_id, occurred in zip(event_ids, moments, strict=True):

            def write(event_id: uuid.UUID = event_id, occurred: datetime = occurred) -> None:
                with engine.begin() as connection:
                    table = outbox_table(sa.MetaData())
                    connection.execute(
                        outbox_insert(table, event, event_id=event_id, occurred_at=occurred)
                    )

            # A fresh context: no trace context left over from an earlier test's request.
            contextvars.Context().run(write)
    finally:
        use_store(previous)
    delivered = read_all(stack.bootstrap, [IDEA_TOPIC], at_least=2)
    assert len(delivered) == 2

    [(channel, message)] = sent_messages(service(PLATFORM_SPECS, "idea"), ["IdeaCreated"])
    schema_ids = register_messages(stack.registry_url, [(channel, message)])
    for real, event_id, occurred in zip(delivered, event_ids, moments, strict=True):
        run_id = headers_dict(real.headers())["__debezium.context.runId"]
        mocked = frame(
            message,
            channel,
            record,
            Connector("idea", "postgresql", run_id),
            event_id=event_id,
            occurred_at=occurred,
            schema_id=schema_ids["IdeaCreated"],
        )
        assert (mocked.topic, mocked.key, mocked.value) == (
            real.topic(),
            real.key(),
            real.value(),
        )
        assert mocked.headers == real.headers()


def test_the_activity_consumer_builds_its_feed_from_mocked_events_only(stack: Stack) -> None:
    bootstrap = stack.bootstrap
    topics = [ORGANIZATION_TOPIC, IDEA_TOPIC]
    already = len(read_all(bootstrap, topics, at_least=0))  # the framing test's event, if it ran
    runs = [
        ("organization", ["--generated", "--count", "12", "--seed", "1"]),
        ("organization", ["--examples", "--count", "4", "--set", "organizationId=424242"]),
        ("idea", ["--generated", "--count", "9", "--seed", "2"]),
        ("idea", ["--examples", "--count", "3", "--message", "IdeaCreated"]),
    ]
    for name, options in runs:
        completed = subprocess.run(
            [
                *(Path(sys.executable).with_name("contractgen"), "mock-events", name),
                *("--specs", str(PLATFORM_SPECS), "--bootstrap-servers", bootstrap),
                *("--registry-url", stack.registry_url),
                *("--rate", "200", *options),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        assert "delivered" in completed.stderr
    mocked = read_all(bootstrap, topics, at_least=already + 28)
    assert len(mocked) == already + 28, [m.topic() for m in mocked]

    expected = set()
    for message in mocked:
        headers = headers_dict(message.headers())
        dispatch = service(PLATFORM_SPECS, message.topic().split(".")[1])
        [(_, contract)] = sent_messages(dispatch, [headers["eventType"]])
        payload = fastavro.schemaless_reader(
            io.BytesIO(unframe(message.value())[1]), avro_schema(contract).parsed, None
        )
        expected.add(
            (
                uuid.UUID(headers["id"]),
                headers["eventType"],
                payload["organizationId"],
                message.key().decode(),
            )
        )
    assert len(expected) == len(mocked), "every mocked event has its own id"
    assert {t for _, t, _, _ in expected} == {
        "OrganizationCreated",
        "DepartmentCreated",
        "RoleCreated",
        "MemberCreated",
        "IdeaCreated",
        "IdeaUpdated",
        "IdeaDeleted",
    }
    assert sum(1 for _, _, org, _ in expected if org == 424242) == 4

    url = stack.database_url("activity")
    ACTIVITY.migrate(url)
    previous = use_store(SchemaStore(RegistryClient(stack.registry_url)))
    try:
        feed = asyncio.run(consume_until(url, bootstrap, len(expected)))
    finally:
        use_store(previous)
    assert feed == expected
    dead_letters = [dead_letter_topic(topic) for topic in topics]
    assert not read_all(bootstrap, dead_letters, at_least=0)


async def consume_until(url: str, bootstrap: str, count: int, timeout: float = 90) -> set[Any]:
    """Run the activity consumer until the feed holds `count` activities; return them."""
    engine = create_engine(url)
    settings = settings_for(
        "activity", url, kafka_bootstrap_servers=bootstrap, consumer_group="mock-feed"
    )
    consumer = build_consumer(settings, engine)
    running = asyncio.create_task(consumer.run())
    query = sa.select(
        activity.c.event_id, activity.c.type, activity.c.organization_id, activity.c.aggregate_id
    )
    try:
        deadline = time.monotonic() + timeout
        rows: list[Any] = []
        while time.monotonic() < deadline and not running.done():
            async with engine.connect() as connection:
                rows = list((await connection.execute(query)).all())
            if len(rows) >= count:
                await asyncio.sleep(1.0)  # a duplicate would show up now
                async with engine.connect() as connection:
                    rows = list((await connection.execute(query)).all())
                break
            await asyncio.sleep(0.3)
    finally:
        consumer.stop()
        await running
        await engine.dispose()
    feed = {(row.event_id, row.type, row.organization_id, row.aggregate_id) for row in rows}
    assert len(feed) == len(rows)
    return feed
