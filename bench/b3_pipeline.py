"""B3: pipeline throughput, outbox -> Debezium -> Kafka -> activity consumer -> activity table.

Part 1 (sustained rate): pgbench writes events into the idea database's outbox the way the
services do (`UnitOfWork.publish`): one transaction per event that inserts the outbox row with
the real Confluent-framed IdeaCreated payload and deletes it again. Stages at fixed rates (1,000
and 2,500/s for 20 s, then 5,000 and 6,000/s for 60 s). Every second WHILE writing we sample the
events written (a sequence the writer draws each event's key from), the topic's end offsets and
the activity rows; the backlog is written - recorded. A stage is sustained when the writer
achieved >= 95 % of its rate and the backlog over the stage's last third stays under one second's
worth of events and does not grow. After each stage the backlog drains (bounded), then every
row of the stage is checked in the activity table (`rows_checked`). CPU per event is measured
per process family (a process and its descendants, e.g. the postmaster and its backends).

A warm-up (1,000/s for 10 s) comes first and is recorded but not judged: on a fresh stack the
JVMs' compilers are still at work.

Part 2 (consumer from a backlog): with the activity consumer stopped, pgbench writes a backlog
(300,000 events) and Debezium publishes it; the consumer is started again and the drain timed
(bounded) from its first recorded row. A plain Kafka read of the whole topic (new group, only
reads) is kept as the ceiling of reading alone.
"""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from confluent_kafka import Consumer, TopicPartition

from bench.procs import family_cpu_seconds
from contractgen.runtime.registry import RegistryClient, frame, minified, subject_name
from contractgen.stack.apps import start_app, wait_for_app
from contractgen.stack.postgres import find_bindir
from contractgen.stack.stack import Stack
from generated.idea.events import IdeaCreated

TOPIC = IdeaCreated.__topic__
CONSUMER = "activity-consumer"
# The writer draws each event's key (the outbox `aggregateid`) from this sequence: its
# last_value is the number of events written so far, readable at any moment at no extra cost.
WRITTEN = "bench_b3_written"
FAMILIES = ("postgres", "kafka", "connect", "registry", CONSUMER, "writer")


@dataclass(frozen=True)
class B3Settings:
    stages: Sequence[tuple[int, int]] = ((1000, 20), (2500, 20), (5000, 60), (6000, 60))
    stage_seconds: int | None = None  # every stage this long instead (--quick)
    # Not judged: Kafka's and Connect's JIT compilers warm up on it when B3 runs on a fresh stack.
    warmup: tuple[int, int] = (1000, 10)
    drain_seconds: int = 30
    ingest_seconds: int = 90  # the bound on the consumer's drain of the backlog
    backlog: int = 300_000
    writer_clients: int = 4

    @property
    def backlog_events(self) -> int:
        """The pre-loaded backlog: at most what 10,000 events/s drain within the bound."""
        return min(self.backlog, self.ingest_seconds * 10_000)


def _outbox_script(stack: Stack, path: Path) -> Path:
    """One event per transaction, as `UnitOfWork.publish` writes it: INSERT the outbox row (the
    framed payload under the id the idea service registered), DELETE it, commit."""
    event = IdeaCreated(
        idea_id=1,
        organization_id=1,
        name="Pipeline",
        description="An event written into the outbox by the benchmark, as the service does.",
        created_on=datetime.now(UTC),
    )
    schema = event.avro_schema()
    client = RegistryClient(stack.registry_url)
    try:
        # Registered already by the idea service at its start: this returns the same id.
        schema_id = client.register(subject_name(TOPIC, schema.full_name), minified(schema))
    finally:
        client.close()
    payload = frame(schema_id, event.to_avro())
    # Each event's id is derived from its sequence number and a nonce of this script, so that
    # the DELETE needs no answer from the INSERT: the transaction goes as ONE message (a
    # pipeline of BEGIN, INSERT, DELETE and COMMIT with one sync), as the services send their
    # outbox rows with the COMMIT, instead of 4 round trips.
    nonce = uuid.uuid4().hex
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\\startpipeline\n"
        "BEGIN;\n"
        "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, schema_id,"
        f" traceparent, occurred_at) SELECT md5('{nonce}' || n::text)::uuid, '{TOPIC}',"
        f" n::text, 'IdeaCreated', '\\x{payload.hex()}'::bytea, '{schema.schema_id}', NULL, now()"
        f" FROM (SELECT nextval('{WRITTEN}') AS n) AS written;\n"
        # (the id in a sub-select, computed once: compared with a volatile expression, every
        # row would be scanned)
        f"DELETE FROM outbox WHERE id = (SELECT md5('{nonce}' || currval('{WRITTEN}')::text)::uuid);\n"
        "END;\n"
        "\\endpipeline\n",
        encoding="utf-8",
    )
    return path


def _pgbench(stack: Stack, script: Path, clients: int, *limits: str) -> subprocess.Popen[str]:
    idea = stack.postgres_for("idea")
    command = [
        str(find_bindir() / "pgbench"),
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        "2",
        *limits,
        "-h",
        idea.host,
        "-p",
        str(idea.port),
        "-U",
        idea.user,
        "-f",
        str(script),
        "idea",
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class Counters:
    """Events written, topic end offsets and activity rows recorded, read together."""

    def __init__(self, stack: Stack) -> None:
        self.idea = psycopg.connect(stack.database_url("idea", "postgresql"), autocommit=True)
        self.idea.execute(f"CREATE SEQUENCE IF NOT EXISTS {WRITTEN}")
        self.activity = psycopg.connect(
            stack.database_url("activity", "postgresql"), autocommit=True
        )
        self.kafka = Consumer({"bootstrap.servers": stack.bootstrap, "group.id": "bench-counter"})
        metadata = self.kafka.list_topics(TOPIC, timeout=10)
        self.partitions = sorted(metadata.topics[TOPIC].partitions)

    def written(self) -> int:
        row = self.idea.execute(f"SELECT last_value, is_called FROM {WRITTEN}").fetchone()
        return int(row[0]) if row and row[1] else 0

    def last_activity_id(self) -> int:
        # The identity column: one index probe where a count(*) would scan the growing table.
        # Rows of one consumer come in id order; checked exactly by `rows_checked` afterwards.
        row = self.activity.execute("SELECT coalesce(max(id), 0) FROM activity").fetchone()
        return int(row[0]) if row else 0

    def published(self) -> int:
        return sum(
            self.kafka.get_watermark_offsets(TopicPartition(TOPIC, p), timeout=5)[1]
            for p in self.partitions
        )

    def sample(self) -> dict[str, float]:
        return {
            "t": time.monotonic(),
            "written": self.written(),
            "published": self.published(),
            "consumed": self.last_activity_id(),
        }

    def rows_checked(self, first_id: int, first_key: int, last_key: int) -> int:
        """Activity rows after `first_id` that are the IdeaCreated events keyed first_key..last_key
        (each event once: event_id is unique)."""
        row = self.activity.execute(
            "SELECT count(*) FROM activity WHERE id > %s AND type = 'IdeaCreated'"
            " AND aggregate_id ~ '^[0-9]+$' AND aggregate_id::bigint BETWEEN %s AND %s",
            (first_id, first_key, last_key),
        ).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self.idea.close()
        self.activity.close()
        self.kafka.close()


class Families:
    """CPU seconds of the stack's process families (and the writer, while it runs)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.writer: int | None = None

    def pid(self, family: str) -> int | None:
        if family == "writer":
            return self.writer
        return self.stack.process(family).pid()

    def cpu(self) -> dict[str, float]:
        found = {}
        for family in FAMILIES:
            if family == "postgres":  # every cluster of the stack
                pids = [cluster.postmaster_pid() for cluster in self.stack.clusters.values()]
                found[family] = sum(family_cpu_seconds(pid) for pid in pids if pid)
                continue
            pid = self.pid(family)
            found[family] = family_cpu_seconds(pid) if pid else 0.0
        return found


def cpu_us_per_event(
    before: dict[str, float], after: dict[str, float], events: int
) -> dict[str, float | None]:
    per = {
        family: round(1e6 * (after[family] - before[family]) / events, 1) if events else None
        for family in before
    }
    total = sum(after[f] - before[f] for f in before)
    per["total"] = round(1e6 * total / events, 1) if events else None
    return per


def _slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope (per second)."""
    if len(points) < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_v = sum(v for _, v in points) / len(points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / spread if spread else 0.0


def judge(rate: int, written_per_s: float, backlog: Sequence[tuple[float, float]]) -> list[str]:
    """Why a stage was not sustained (empty when it was), from its backlog samples taken while
    writing: the writer reached 95 % of the rate, and over the last third the backlog stayed
    under one second's worth of events and did not grow (a slope under 1 % of the rate)."""
    why = []
    if written_per_s < 0.95 * rate:
        why.append(f"writer achieved {written_per_s:.0f}/s < 95 % of {rate}/s")
    last_third = backlog[len(backlog) * 2 // 3 :]
    peak = max((b for _, b in last_third), default=0)
    if peak >= rate:
        why.append(f"backlog over the last third reached {peak:.0f} >= {rate} (1 s worth)")
    slope = _slope(last_third)
    if slope > 0.01 * rate:
        why.append(f"backlog growing over the last third: {slope:.0f} events/s")
    return why


def _stage(
    stack: Stack,
    counters: Counters,
    families: Families,
    script: Path,
    rate: int,
    seconds: int,
    settings: B3Settings,
) -> dict[str, Any]:
    first_id = counters.last_activity_id()
    start = counters.sample()
    cpu_before = families.cpu()
    writer = _pgbench(stack, script, settings.writer_clients, "-R", str(rate), "-T", str(seconds))
    families.writer = writer.pid
    samples = [start]
    writer_cpu = 0.0
    try:
        while writer.poll() is None:
            time.sleep(1.0)
            writer_cpu = family_cpu_seconds(writer.pid) or writer_cpu
            samples.append(counters.sample())
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
        families.writer = None
    end = samples[-1]
    wrote_seconds = end["t"] - start["t"]
    written = int(end["written"] - start["written"])
    backlog = [
        (s["t"] - start["t"], (s["written"] - start["written"]) - (s["consumed"] - first_id))
        for s in samples
    ]
    # The writer's own rate (pgbench's tps over its run): the samples' span also holds up to a
    # second after it ended.
    report = writer.stdout.read() if writer.stdout else ""
    tps = re.search(r"^tps = ([0-9.]+)", report, re.MULTILINE)
    written_per_s = float(tps.group(1)) if tps else written / wrote_seconds
    why_not = judge(rate, written_per_s, backlog)
    # Then let the backlog drain (bounded), timing it, and check the stage's rows.
    drain_start = counters.sample()
    deadline = time.monotonic() + settings.drain_seconds
    drain_end = drain_start
    while time.monotonic() < deadline and drain_end["consumed"] - first_id < written:
        time.sleep(0.5)
        drain_end = counters.sample()
    drain_seconds = drain_end["t"] - drain_start["t"]
    drained = int(drain_end["consumed"] - drain_start["consumed"])
    cpu_after = families.cpu()
    cpu_after["writer"] = cpu_before["writer"] + writer_cpu
    checked = counters.rows_checked(first_id, int(start["written"]) + 1, int(end["written"]))
    if checked < written:
        why_not.append(f"only {checked} of {written} events recorded after the drain")
    return {
        "rate": rate,
        "seconds": round(wrote_seconds, 2),
        "written_per_s": round(written_per_s, 1),
        "published_per_s": round((end["published"] - start["published"]) / wrote_seconds, 1),
        "ingested_per_s": round((end["consumed"] - first_id) / wrote_seconds, 1),
        "backlog_at_end": int(backlog[-1][1]),
        "backlog_slope_last_third_per_s": round(_slope(backlog[len(backlog) * 2 // 3 :]), 1),
        "sustained": not why_not,
        "why_not": why_not or None,
        "samples": [
            {
                "t": round(s["t"] - start["t"], 2),
                "written": int(s["written"] - start["written"]),
                "published": int(s["published"] - start["published"]),
                "consumed": int(s["consumed"] - first_id),
                "backlog": int(b),
            }
            for s, (_, b) in zip(samples, backlog, strict=True)
        ],
        "cpu_us_per_event": cpu_us_per_event(cpu_before, cpu_after, written),
        "rows_checked": checked,
        "drain": {
            "events": drained,
            "seconds": round(drain_seconds, 2),
            "per_s": round(drained / drain_seconds, 1) if drain_seconds > 0.5 else None,
            "complete": drain_end["consumed"] - first_id >= written,
        },
        "writer": report,
    }


def plain_read(bootstrap: str, limit_seconds: float = 60.0) -> dict[str, Any]:
    """Read the whole topic from the beginning, touching each value; nothing else."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"bench-plain-{time.time_ns()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": 20,
        }
    )
    try:
        partitions = sorted(consumer.list_topics(TOPIC, timeout=10).topics[TOPIC].partitions)
        total = sum(
            consumer.get_watermark_offsets(TopicPartition(TOPIC, p), timeout=5)[1]
            for p in partitions
        )
        consumer.subscribe([TOPIC])
        count, size, first, last = 0, 0, 0.0, 0.0
        deadline = time.monotonic() + limit_seconds
        while count < total and time.monotonic() < deadline:
            for message in consumer.consume(500, 0.05):
                if message.error():
                    continue
                if not count:
                    first = time.monotonic()
                count += 1
                size += len(message.value() or b"")
                last = time.monotonic()
    finally:
        consumer.close()
    seconds = last - first
    return {
        "events": count,
        "seconds": round(seconds, 3),
        "per_s": round(count / seconds, 1) if seconds > 0 else None,
    }


def _wait_published(counters: Counters, target: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if counters.published() >= target:
            return True
        time.sleep(0.5)
    return False


def consumer_ingest(
    stack: Stack, counters: Counters, families: Families, script: Path, settings: B3Settings
) -> dict[str, Any]:
    """Stop the activity consumer, write a backlog and let Debezium publish it, start the
    consumer again and time its drain from its first recorded row."""
    app, process = stack.apps[CONSUMER]
    process.stop()
    events = settings.backlog_events
    first_id = counters.last_activity_id()
    published_before, written_before = counters.published(), counters.written()
    clients = settings.writer_clients
    writer = _pgbench(stack, script, clients, "-t", str(-(-events // clients)))
    writer.wait()
    written = counters.written() - written_before
    # What the consumer finds: everything published since it stopped (the stages drained).
    published = _wait_published(counters, published_before + written, 180)
    backlog = counters.published() - published_before
    start_app(process, app, stack.root, stack.app_env(app.service))
    wait_for_app(process, app)
    pid = process.pid()
    samples: list[tuple[float, int]] = []
    cpu: list[dict[str, float]] = []
    started = time.monotonic()
    deadline = started + settings.ingest_seconds + 30  # start-up is not part of the bound
    first: float | None = None
    while time.monotonic() < deadline:
        time.sleep(0.25)
        consumed = counters.last_activity_id() - first_id
        now = time.monotonic()
        if consumed and first is None:
            first = now
            deadline = min(deadline, now + settings.ingest_seconds)
        if first is not None:
            samples.append((now, consumed))
            cpu.append(families.cpu())
        if consumed >= backlog:
            break
    result: dict[str, Any] = {
        "backlog": backlog,
        "backlog_published_in_time": published,
        "consumer_pid": pid,
        "seconds_to_first_row": round(first - started, 2) if first else None,
    }
    if len(samples) < 2:
        return {**result, "events": samples[-1][1] if samples else 0, "seconds": 0, "per_s": None}
    (t0, c0), (t1, c1) = samples[0], samples[-1]
    per_family = cpu_us_per_event(cpu[0], cpu[-1], c1 - c0)
    return {
        **result,
        "events": c1,
        "seconds": round(t1 - t0, 2),
        "per_s": round((c1 - c0) / (t1 - t0), 1),
        "cpu_us_per_event": per_family[CONSUMER],
        "cpu_us_per_event_by_family": per_family,
        "complete": c1 >= backlog,
    }


def run_b3(stack: Stack, settings: B3Settings, say: Callable[[str], None]) -> dict[str, Any]:
    script = _outbox_script(stack, stack.state_dir / "bench" / "outbox.sql")
    counters = Counters(stack)
    families = Families(stack)
    stages = []
    try:
        rate, seconds = settings.warmup
        say(f"B3 warm-up at {rate}/s for {seconds} s (not judged)")
        warmup = _stage(stack, counters, families, script, rate, seconds, settings)
        for rate, seconds in settings.stages:
            seconds = settings.stage_seconds or seconds
            say(f"B3 stage {rate}/s for {seconds} s")
            stage = _stage(stack, counters, families, script, rate, seconds, settings)
            stages.append(stage)
            say(
                f"B3 {rate}/s: written {stage['written_per_s']}/s, published "
                f"{stage['published_per_s']}/s, ingested {stage['ingested_per_s']}/s, backlog "
                f"{stage['backlog_at_end']}, sustained {stage['sustained']} "
                f"{stage['why_not'] or ''}, CPU us/event {stage['cpu_us_per_event']}"
            )
            if not stage["sustained"]:
                break
        say(f"B3 consumer from a backlog of {settings.backlog_events} events")
        ingest = consumer_ingest(stack, counters, families, script, settings)
        say(
            f"B3 activity consumer: {ingest['events']} events at {ingest['per_s']}/s, "
            f"{ingest.get('cpu_us_per_event')} us CPU/event"
        )
    finally:
        counters.close()
    say("B3 plain read of the topic")
    plain = plain_read(stack.bootstrap)
    say(f"B3 plain read: {plain['events']} events at {plain['per_s']}/s")
    ratio = (
        round(ingest["per_s"] / plain["per_s"], 3) if ingest["per_s"] and plain["per_s"] else None
    )
    sustained = [s["rate"] for s in stages if s["sustained"]]
    sustained_60s = [s["rate"] for s in stages if s["sustained"] and s["seconds"] >= 59]
    drains = [s["drain"]["per_s"] for s in stages if s["drain"]["per_s"]]
    highest_60s = max(sustained_60s) if sustained_60s else None
    return {
        "settings": {
            "warmup": list(settings.warmup),
            "stages": [
                [rate, settings.stage_seconds or seconds] for rate, seconds in settings.stages
            ],
            "backlog": settings.backlog_events,
            "writer": (
                f"pgbench -R, {settings.writer_clients} clients, one transaction per event: "
                "INSERT the outbox row (framed IdeaCreated) and DELETE it"
            ),
        },
        "warmup": warmup,
        "stages": stages,
        "highest_sustained_60s_per_s": highest_60s,
        # What the report's target reads: only a stage of 60 s counts.
        "highest_sustained_per_s": highest_60s,
        "highest_sustained_any_length_per_s": max(sustained) if sustained else None,
        "best_drain_per_s": max(drains) if drains else None,
        "plain_read": plain,
        "consumer_ingest": ingest,
        "consumer_over_plain": ratio,
    }
