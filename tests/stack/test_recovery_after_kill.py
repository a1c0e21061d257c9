"""Crash tests that crash: under a steady write load, `kill -9` the Kafka broker, then Kafka
Connect, then the activity consumer, then PostgreSQL's postmaster; each comes back through
`Stack.up()` (what `contractgen stack up` runs). At the end every created idea and department is
in the feed exactly once, and the dead-letter topics got nothing.

The figures (outage, restart, drain) are printed and written to tests/stack/results/crash.json,
which the README cites. This file runs after test_pipeline.py and leaves the stack running."""

from __future__ import annotations

import json
import os
import platform
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from confluent_kafka import Consumer, TopicPartition

from contractgen.stack.stack import Stack
from services.platform_client import PlatformClient

pytestmark = pytest.mark.stack

RESULTS = Path(__file__).with_name("results") / "crash.json"
MIN_REQUESTS = 1_000
MAX_REQUESTS = 20_000  # the loop's bound, whatever happens
PAUSE = 0.01  # between two requests: a steady load, not a flood on two shared cores
OUTAGE = 3.0  # seconds of load while the part is dead
DRAIN_TIMEOUT = 180.0
KINDS = {"IdeaCreated": "idea", "DepartmentCreated": "department"}


@dataclass
class Load:
    """Creates ideas (and every tenth request a department) until told to stop; only 2xx
    answers count as created. Non-2xx answers and transport errors are counted, not fatal:
    while PostgreSQL is down the services refuse writes."""

    client: PlatformClient
    organization: int
    created: dict[str, list[tuple[str, float]]] = field(
        default_factory=lambda: {"idea": [], "department": []}
    )
    refused: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        for n in range(MAX_REQUESTS):
            if self.stop.is_set() and self.sent >= MIN_REQUESTS:
                return
            kind = "department" if n % 10 == 9 else "idea"
            service, body = (
                ("organization", {"name": f"Dept {n} {uuid.uuid4().hex[:6]}"})
                if kind == "department"
                else ("idea", {"name": f"Load {n}", "description": "Under a crash."})
            )
            path = f"/organizations/{self.organization}/{kind}s"
            self.sent += 1
            try:
                response = self.client.request("POST", service, path, body)
            except httpx.HTTPError as error:
                self.refused[type(error).__name__] += 1
            else:
                if response.status_code == 201:
                    self.created[kind].append((str(response.json()["id"]), time.monotonic()))
                else:
                    self.refused[str(response.status_code)] += 1
            time.sleep(PAUSE)

    def created_before(self, moment: float) -> set[tuple[str, str]]:
        return {(k, i) for k, items in self.created.items() for i, at in items if at < moment}


def test_kill_9_each_part_under_load_and_every_event_arrives_exactly_once(
    stack: Stack, client: PlatformClient, capsys: pytest.CaptureFixture[str]
) -> None:
    organization = client.create_organization(f"Crash {uuid.uuid4().hex[:6]}", "kill -9")["id"]
    dead_letters_before = _dead_letter_ends(stack)
    load = Load(PlatformClient(stack.service_urls(), subject="crash"), organization)
    load.client.join(organization)
    worker = threading.Thread(target=load.run, daemon=True)
    worker.start()
    phases = []
    try:
        for part in ("kafka", "connect", "activity-consumer", "postgres"):
            time.sleep(OUTAGE)  # steady load before the crash
            killed = time.monotonic()
            _kill_9(stack, part)
            time.sleep(OUTAGE)  # and during the outage
            restart = time.monotonic()
            stack.up()
            ready = time.monotonic()
            backlog = load.created_before(restart)
            _wait_for(lambda b=backlog: not (b - _feed(stack, organization).keys()), part)
            drained = time.monotonic()
            phases.append(
                {
                    "part": part,
                    "down_seconds": round(restart - killed, 2),
                    "up_seconds": round(ready - restart, 2),
                    "drained_seconds_after_up_started": round(drained - restart, 2),
                    "backlog_events": len(backlog),
                }
            )
        time.sleep(OUTAGE)
    finally:
        load.stop.set()
        worker.join(timeout=MAX_REQUESTS * (PAUSE + load.client.timeout))

    created = load.created_before(time.monotonic())
    truth = _ground_truth(stack, organization)
    _wait_for(lambda: not (truth - _feed(stack, organization).keys()), "the final backlog")
    time.sleep(2.0)  # anything duplicated would arrive right behind
    feed = _feed(stack, organization)
    duplicates = {key: n for key, n in feed.items() if n != 1}
    report = {
        "what": "tests/stack/test_recovery_after_kill.py: kill -9 under a steady write load, "
        "each part brought back by Stack.up() (`contractgen stack up`), on one machine",
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "requests_sent": load.sent,
        "created_2xx": len(created),
        "not_created": dict(sorted(load.refused.items())),
        "rows_in_service_databases": len(truth),
        "events_in_feed": sum(feed.values()),
        "distinct_in_feed": len(feed),
        "duplicates": len(duplicates),
        "dead_letters": sum(_dead_letter_ends(stack).values()) - sum(dead_letters_before.values()),
        "phases": phases,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + json.dumps(report, indent=2))

    assert load.sent >= MIN_REQUESTS
    assert created <= truth  # every 2xx has its row (a refused request may still have committed)
    assert set(feed) == truth  # each row's event, nothing else
    assert not duplicates, duplicates
    assert report["dead_letters"] == 0


def _kill_9(stack: Stack, part: str) -> None:
    if part == "postgres":  # every cluster: the database servers all die
        pids = [pid for cluster in stack.clusters.values() if (pid := cluster.postmaster_pid())]
        assert len(pids) == len(stack.clusters), "a cluster is not running"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        _wait_for(lambda: not any(_alive(pid) for pid in pids), "the postmasters to die", 30)
        return
    process = stack.process(part)
    pid = process.pid()
    assert pid is not None, f"{part} is not running"
    os.kill(pid, signal.SIGKILL)
    _wait_for(lambda: process.pid() is None, f"{part} to die", 30)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _feed(stack: Stack, organization: int) -> Counter[tuple[str, str]]:
    """(kind, id) of each IdeaCreated / DepartmentCreated activity, with how often it is there."""
    with psycopg.connect(stack.database_url("activity", "postgresql")) as db:
        rows = db.execute(
            "SELECT type, aggregate_id FROM activity WHERE organization_id = %s AND type = ANY(%s)",
            (organization, list(KINDS)),
        ).fetchall()
    return Counter((KINDS[kind], aggregate) for kind, aggregate in rows)


def _ground_truth(stack: Stack, organization: int) -> set[tuple[str, str]]:
    """What the services' databases hold: each row must have its one event in the feed."""
    found = set()
    for kind, service in (("idea", "idea"), ("department", "organization")):
        with psycopg.connect(stack.database_url(service, "postgresql")) as db:
            rows = db.execute(
                f"SELECT id FROM {kind} WHERE organization_id = %s",
                (organization,),
            ).fetchall()
        found |= {(kind, str(row[0])) for row in rows}
    return found


def _dead_letter_ends(stack: Stack) -> dict[str, int]:
    """The end offset of every dead-letter topic, summed over its partitions."""
    reader = Consumer({"bootstrap.servers": stack.bootstrap, "group.id": f"crash-{uuid.uuid4()}"})
    try:
        ends = {}
        for topic, _ in stack.topics():
            if not topic.endswith(".dlq"):
                continue
            partitions = reader.list_topics(topic, timeout=10).topics[topic].partitions
            ends[topic] = sum(
                reader.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in partitions
            )
        return ends
    finally:
        reader.close()


def _wait_for(condition: Callable[[], Any], what: str, timeout: float = DRAIN_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)
