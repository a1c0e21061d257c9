"""The bounded outbox on the real stack (Debezium 3.6.1 with the Outbox Event Router): the unit
of work deletes each outbox row in the transaction that inserted it, and still every event
reaches its topic exactly once, the connector stays RUNNING, and nothing about the deletes is
logged above DEBUG (the connector skips them: `skipped.operations=d,t`)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition

from contractgen.stack.stack import Stack
from generated.idea.events import EVENT_TYPES
from services.platform_client import PlatformClient

pytestmark = pytest.mark.stack

IDEA_TOPIC = "microservicesapp.idea.events"
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


def test_deleted_outbox_rows_still_publish_each_event_once(
    stack: Stack, client: PlatformClient
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
        event = EVENT_TYPES[headers["eventType"]].from_avro(record.value())
        if event.organization_id == oid:
            ours.append((headers["id"], headers["eventType"], event.idea_id))
    assert len(ours) == EVENTS, ours
    assert len({event_id for event_id, _, _ in ours}) == EVENTS  # each event once
    assert sorted(kind for _, kind, _ in ours) == sorted(
        ["IdeaCreated", "IdeaUpdated", "IdeaDeleted"] * (EVENTS // 3)
    )

    assert stack.postgres.psql("SELECT count(*) FROM outbox", database="idea").strip() == "0"
    assert (
        stack.postgres.psql("SELECT count(*) FROM outbox", database="organization").strip() == "0"
    )
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
