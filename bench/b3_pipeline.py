"""B3: pipeline throughput, outbox -> Debezium -> Kafka -> activity consumer -> activity table.

Part 1 (sustained rate): pgbench inserts outbox rows straight into the idea database at fixed
rates (one INSERT per transaction, a valid IdeaCreated Avro payload, as the service writes them),
one stage per rate. Every second we sample the outbox rows written, the topic's end offsets and
the activity rows recorded; a rate is sustained when the activity table keeps up (backlog at the
end of the stage under one second's worth and not growing). After each stage the backlog drains;
the drain rate is the pipeline's ceiling from a backlog.

Part 2 (consumer against its ceiling): over the topic as it then is, a plain Kafka consumer that
only reads (new group, from the beginning) against the activity consumer (a second instance, new
group, empty database of its own), each timed from its first message to its last.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from confluent_kafka import Consumer, TopicPartition

from bench.procs import cpu_seconds, running
from contractgen.stack.postgres import find_bindir
from contractgen.stack.stack import Stack
from generated.idea.events import IdeaCreated

TOPIC = IdeaCreated.__topic__


@dataclass(frozen=True)
class B3Settings:
    rates: Sequence[int] = (100, 200, 300, 500, 1000, 2000, 3000)
    stage_seconds: int = 15
    drain_seconds: int = 20
    ingest_seconds: int = 20


def _outbox_script(path: Path) -> Path:
    event = IdeaCreated(
        idea_id=1,
        organization_id=1,
        name="Pipeline",
        description="An event written straight into the outbox by the benchmark.",
        created_on=datetime.now(UTC),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\\set key random(1, 1000000)\n"
        "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, schema_id,"
        " traceparent, occurred_at) VALUES (gen_random_uuid(),"
        f" '{TOPIC}', :key, 'IdeaCreated', '\\x{event.to_avro().hex()}'::bytea,"
        f" '{event.avro_schema().schema_id}', NULL, now());\n",
        encoding="utf-8",
    )
    return path


class Counters:
    """Outbox rows, topic end offsets and activity rows, read together."""

    def __init__(self, stack: Stack) -> None:
        self.idea = psycopg.connect(stack.database_url("idea", "postgresql"), autocommit=True)
        self.activity = psycopg.connect(
            stack.database_url("activity", "postgresql"), autocommit=True
        )
        self.kafka = Consumer({"bootstrap.servers": stack.bootstrap, "group.id": "bench-counter"})
        metadata = self.kafka.list_topics(TOPIC, timeout=10)
        self.partitions = sorted(metadata.topics[TOPIC].partitions)

    def sample(self) -> dict[str, float]:
        outbox = self.idea.execute("SELECT count(*) FROM outbox").fetchone()
        topic = sum(
            self.kafka.get_watermark_offsets(TopicPartition(TOPIC, p), timeout=5)[1]
            for p in self.partitions
        )
        recorded = self.activity.execute("SELECT count(*) FROM activity").fetchone()
        return {
            "t": time.monotonic(),
            "outbox": int(outbox[0]) if outbox else 0,
            "topic": topic,
            "activity": int(recorded[0]) if recorded else 0,
        }

    def close(self) -> None:
        self.idea.close()
        self.activity.close()
        self.kafka.close()


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope (per second)."""
    if len(points) < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_v = sum(v for _, v in points) / len(points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / spread if spread else 0.0


def _stage(
    stack: Stack, counters: Counters, script: Path, rate: int, settings: B3Settings
) -> dict[str, Any]:
    command = [
        str(find_bindir() / "pgbench"),
        "-n",
        "-M",
        "prepared",
        "-c",
        "4",
        "-j",
        "2",
        "-R",
        str(rate),
        "-T",
        str(settings.stage_seconds),
        "-h",
        stack.postgres.host,
        "-p",
        str(stack.postgres.port),
        "-U",
        stack.postgres.user,
        "-f",
        str(script),
        "idea",
    ]
    start = counters.sample()
    samples = [start]
    writer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while writer.poll() is None:
            time.sleep(1.0)
            samples.append(counters.sample())
        samples.append(counters.sample())
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
    end = samples[-1]
    seconds = end["t"] - start["t"]
    produced = end["outbox"] - start["outbox"]
    ingested = end["activity"] - start["activity"]
    backlog = [
        (s["t"], (s["outbox"] - start["outbox"]) - (s["activity"] - start["activity"]))
        for s in samples
    ]
    second_half = backlog[len(backlog) // 2 :]
    slope = _slope(second_half)
    final_backlog = backlog[-1][1]
    sustained = final_backlog <= max(rate, 200) and slope <= 0.05 * rate
    # Then let the backlog drain, timing it.
    drain_start, drained_samples = counters.sample(), []
    deadline = time.monotonic() + settings.drain_seconds
    while time.monotonic() < deadline:
        sample = counters.sample()
        drained_samples.append(sample)
        if sample["activity"] - start["activity"] >= produced:
            break
        time.sleep(0.5)
    drain_end = drained_samples[-1] if drained_samples else drain_start
    drain_seconds = drain_end["t"] - drain_start["t"]
    drained = drain_end["activity"] - drain_start["activity"]
    return {
        "rate": rate,
        "seconds": round(seconds, 2),
        "written_per_s": round(produced / seconds, 1),
        "published_per_s": round((end["topic"] - start["topic"]) / seconds, 1),
        "ingested_per_s": round(ingested / seconds, 1),
        "backlog_at_end": final_backlog,
        "topic_backlog_at_end": (end["outbox"] - start["outbox"]) - (end["topic"] - start["topic"]),
        "backlog_slope_per_s": round(slope, 1),
        "sustained": sustained,
        "drain": {
            "events": drained,
            "seconds": round(drain_seconds, 2),
            "per_s": round(drained / drain_seconds, 1) if drain_seconds > 0.5 else None,
            "complete": drain_end["activity"] - start["activity"] >= produced,
        },
        "writer": writer.stdout.read() if writer.stdout else "",
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


def consumer_ingest(stack: Stack, events: int, settings: B3Settings) -> dict[str, Any]:
    """A second activity consumer, new group, empty database: how fast it records a backlog."""
    database = "activity_ingest"
    stack.postgres.drop_database(database)
    stack.postgres.create_database(database)
    url = stack.database_url(database)
    env = {
        **stack.app_env(),
        "ACTIVITY_DATABASE_URL": url,
        "ACTIVITY_MIGRATION_DATABASE_URL": url,
        "ACTIVITY_CONSUMER_GROUP": f"bench-ingest-{time.time_ns()}",
    }
    argv = [sys.executable, "-m", "contractgen", "serve", "activity", "--consume", "--migrate"]
    log = stack.state_dir / "logs" / "bench-ingest-consumer.log"
    samples: list[tuple[float, int]] = []
    cpu: list[float] = []
    with (
        running("activity-ingest", argv, log, env) as server,
        psycopg.connect(stack.database_url(database, "postgresql"), autocommit=True) as db,
    ):
        deadline = time.monotonic() + 60
        first: float | None = None
        while time.monotonic() < deadline:
            time.sleep(0.25)
            try:
                row = db.execute("SELECT count(*) FROM activity").fetchone()
            except psycopg.errors.UndefinedTable:
                continue  # still migrating
            count = int(row[0]) if row else 0
            now = time.monotonic()
            if count and first is None:
                first = now
                deadline = min(deadline, now + settings.ingest_seconds)
            if first is not None:
                samples.append((now, count))
                cpu.append(cpu_seconds(server.pid))
            if count >= events:
                break
    if len(samples) < 2:
        return {"events": samples[-1][1] if samples else 0, "seconds": 0, "per_s": None}
    (t0, c0), (t1, c1) = samples[0], samples[-1]
    return {
        "events": c1,
        "seconds": round(t1 - t0, 2),
        "per_s": round((c1 - c0) / (t1 - t0), 1),
        "consumer_cpu_percent": round(100 * (cpu[-1] - cpu[0]) / (t1 - t0), 1),
        "complete": c1 >= events,
    }


def run_b3(stack: Stack, settings: B3Settings, say: Callable[[str], None]) -> dict[str, Any]:
    script = _outbox_script(stack.state_dir / "bench" / "outbox.sql")
    counters = Counters(stack)
    stages = []
    try:
        for rate in settings.rates:
            say(f"B3 stage {rate}/s for {settings.stage_seconds} s")
            stage = _stage(stack, counters, script, rate, settings)
            stages.append(stage)
            say(
                f"B3 {rate}/s: written {stage['written_per_s']}/s, published "
                f"{stage['published_per_s']}/s, ingested {stage['ingested_per_s']}/s, backlog "
                f"{stage['backlog_at_end']} (slope {stage['backlog_slope_per_s']}/s), "
                f"sustained {stage['sustained']}, drain {stage['drain']['per_s']}/s"
            )
            if not stage["sustained"]:
                break
    finally:
        counters.close()
    sustained = [s["rate"] for s in stages if s["sustained"]]
    say("B3 plain read of the topic")
    plain = plain_read(stack.bootstrap)
    say(f"B3 plain read: {plain['events']} events at {plain['per_s']}/s")
    # The stack's consumer is idle now; stop it so that it does not share the CPU.
    stack.process("activity-consumer").stop()
    say("B3 activity consumer from a backlog")
    ingest = consumer_ingest(stack, plain["events"], settings)
    say(f"B3 activity consumer: {ingest['events']} events at {ingest['per_s']}/s")
    ratio = (
        round(ingest["per_s"] / plain["per_s"], 3) if ingest["per_s"] and plain["per_s"] else None
    )
    drains = [s["drain"]["per_s"] for s in stages if s["drain"]["per_s"]]
    return {
        "settings": {
            "rates": list(settings.rates),
            "stage_seconds": settings.stage_seconds,
            "writer": "pgbench -R, 4 clients, one outbox INSERT per transaction",
        },
        "stages": stages,
        "highest_sustained_per_s": max(sustained) if sustained else None,
        "best_drain_per_s": max(drains) if drains else None,
        "plain_read": plain,
        "consumer_ingest": ingest,
        "consumer_over_plain": ratio,
    }
