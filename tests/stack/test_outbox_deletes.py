"""The bounded outbox on the real stack (Debezium 3.6.1 with the Outbox Event Router): the unit
of work deletes each outbox row in the transaction that inserted it, and still every event
reaches its topic exactly once, the connector stays RUNNING, and nothing about the deletes is
logged above DEBUG. Run twice: as generated (the publication carries inserts only, and the
connector would skip deletes too: `skipped.operations=d,t`), and with the deletes published and
passed on to the router (Debezium's default `t`), which must drop them by itself."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition

from contractgen.runtime.registry import unframe
from contractgen.stack.stack import Stack
from generated.idea.events import EVENT_TYPES
from services.platform_client import PlatformClient

pytestmark = pytest.mark.stack

IDEA_TOPIC = "microservicesapp.idea.events"
CONNECTOR = Path(__file__).resolve().parents[2] / "generated/idea/connect/idea-outbox.json"
PUBLICATION = "idea_outbox"
EVENTS = 30  # 10 ideas, each created, updated and deleted


def topic_records(stack: Stack, topic: str) -> list[Any]:
    """Every record of `topic`, from the start of each partition to its end."""
    reader = Consumer({"bootstrap.servers": stack.bootstrap, "group.id": f"t-{uuid.uuid4()}"})
    try:
        partitions = reader.list_topics(topic, timeout=10).topics[topic].partitions
        ends = {
            p: reader.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
            for p in partitions
        }
        reader.assign([TopicPartition(topic, p, 0) for p in partitions])
        records: list[Any] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(
            sum(1 for r in records if r.partition() == p) < end for p, end in ends.items()
        ):
            message = reader.poll(0.5)
            if message is not None and message.error() is None:
                records.append(message)
        return records
    finally:
        reader.close()


def configure(stack: Stack, config: dict[str, str]) -> None:
    """Reconfigure the idea connector and wait until it and its task run again."""
    name = json.loads(CONNECTOR.read_text())["name"]
    url = f"{stack.connect_url}/connectors/{name}"
    httpx.put(f"{url}/config", json=config, timeout=30).raise_for_status()
    time.sleep(3.0)  # the worker restarts the task after a config change
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = httpx.get(f"{url}/status", timeout=10).json()
        tasks = status.get("tasks", [])
        if (
            status["connector"]["state"] == "RUNNING"
            and tasks
            and all(t["state"] == "RUNNING" for t in tasks)
        ):
            return
        time.sleep(0.5)
    raise AssertionError(f"the connector did not come back: {status}")


def publish(stack: Stack, operations: str) -> None:
    stack.postgres_for("idea").psql(
        f"ALTER PUBLICATION {PUBLICATION} SET (publish = '{operations}')", database="idea"
    )


@pytest.fixture(params=["d,t", "t"], ids=["deletes-skipped", "deletes-to-the-router"])
def skipped_operations(request: pytest.FixtureRequest, stack: Stack) -> Iterator[str]:
    generated: dict[str, str] = json.loads(CONNECTOR.read_text())["config"]
    assert generated["skipped.operations"] == "d,t"
    # The stack's publication carries inserts only: the deletes never leave PostgreSQL.
    published = stack.postgres_for("idea").psql(
        f"SELECT pubinsert, pubdelete FROM pg_publication WHERE pubname = '{PUBLICATION}'",
        database="idea",
    )
    assert published.split() == ["t|f"], published
    if request.param == generated["skipped.operations"]:
        yield request.param
        return
    # Deletes published and passed on by Debezium: the router must drop them by itself.
    publish(stack, "insert, delete")
    configure(stack, {**generated, "skipped.operations": request.param})
    try:
        yield request.param
    finally:
        configure(stack, generated)
        publish(stack, "insert")


def test_deleted_outbox_rows_still_publish_each_event_once(
    stack: Stack, client: PlatformClient, skipped_operations: str
) -> None:
    log = stack.process("connect").log_file
    log_start = log.stat().st_size
    oid = client.create_organization(f"Outbox {uuid.uuid4().hex[:8]}", "Bounded.")["id"]
    names = [f"bounded-{uuid.uuid4().hex[:8]}" for _ in range(EVENTS // 3)]
    for name in names:
        idea = client.create_idea(oid, name, "created")
        client.update_idea(oid, idea["id"], name, "updated")
        client.delete_idea(oid, idea["id"])

    # Wait for the feed to have them all: Debezium has published by then.
    client.wait_for_feed(
        oid, lambda feed: sum(a["type"].startswith("Idea") for a in feed) >= EVENTS
    )
    time.sleep(2.0)  # a duplicate would arrive right behind

    ours = []
    for record in topic_records(stack, IDEA_TOPIC):
        headers = {k: (v or b"").decode().strip('"') for k, v in record.headers() or []}
        event = EVENT_TYPES[headers["eventType"]].from_avro(unframe(record.value())[1])
        if event.organization_id == oid:
            ours.append((headers["id"], headers["eventType"], event.idea_id))
    assert len(ours) == EVENTS, ours
    assert len({event_id for event_id, _, _ in ours}) == EVENTS  # each event once
    assert sorted(kind for _, kind, _ in ours) == sorted(
        ["IdeaCreated", "IdeaUpdated", "IdeaDeleted"] * (EVENTS // 3)
    )

    assert (
        stack.postgres_for("idea").psql("SELECT count(*) FROM outbox", database="idea").strip()
        == "0"
    )
    assert (
        stack.postgres_for("organization")
        .psql("SELECT count(*) FROM outbox", database="organization")
        .strip()
        == "0"
    )
    config = httpx.get(f"{stack.connect_url}/connectors/idea-outbox/config", timeout=10).json()
    assert config["skipped.operations"] == skipped_operations
    status = httpx.get(f"{stack.connect_url}/connectors/idea-outbox/status", timeout=10).json()
    assert status["connector"]["state"] == "RUNNING"
    assert [task["state"] for task in status["tasks"]] == ["RUNNING"]
    with log.open("rb") as handle:
        handle.seek(log_start)
        noise = [
            line
            for line in handle.read().decode(errors="replace").splitlines()
            if (" WARN " in line or " ERROR " in line)
            and any(
                word in line for word in ("outbox", "Outbox", "EventRouter", "elete", "tombstone")
            )
        ]
    assert noise == []
