"""B2: end-to-end latency, from the moment each `POST /organizations/{id}/ideas` is sent until its
activity row is visible in the activity service's database, at fixed request rates.

The path: idea service (row + outbox in one transaction) -> Debezium (logical decoding) -> Kafka
-> the activity consumer (one transaction per batch) -> `activity` table. A poller in this
process reads new `activity` rows every few milliseconds (`WHERE id > last`) and stamps when it
first sees each one; the idea id (the event's Kafka key, `activity.aggregate_id`) ties the row to
its request. The figure is "sent -> visible": the clock starts when the request is written to
its connection, so the time the service takes to answer is inside it (a saturated service cannot
make the pipeline look faster). Also recorded: the consumer's own `recorded_at` (no polling
delay), "due -> visible" (from the request's slot in the open-loop schedule, which includes any
wait for a free connection in the client) and the HTTP round trip alone.

A rate counts as served only when the service answered 201 at >= 95 % of it: served per second
is the 201s over the time from the first request sent to the last answer read. A stage below
that, or with requests unanswered or failed, is `saturated`, and its figures do not meet the
target.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from bench.loadgen import OpenLoop
from bench.stats import percentiles
from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.stack.stack import Stack
from services.identity import IDENTITY

ORGANIZATION = 1
POLL_SECONDS = 0.005
SERVED = 0.95
"""A stage whose service answers 201 at less than this share of the offered rate is saturated."""


@dataclass(frozen=True)
class B2Settings:
    rates: Sequence[int] = (50, 200, 400)
    seconds: int = 30
    drain_seconds: int = 15


class ActivityPoller:
    """Sees new activity rows as soon as they are committed (to within POLL_SECONDS)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.seen: dict[str, tuple[float, float]] = {}
        """idea id -> (time first seen, recorded_at)"""
        self._last = 0
        self.polls = 0

    async def start_from_now(self, connection: psycopg.AsyncConnection[Any]) -> None:
        cursor = await connection.execute("SELECT coalesce(max(id), 0) FROM activity")
        row = await cursor.fetchone()
        self._last = int(row[0]) if row else 0

    async def run(self, stop: asyncio.Event) -> None:
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as connection:
            await self.start_from_now(connection)
            while not stop.is_set():
                cursor = await connection.execute(
                    "SELECT id, aggregate_id, extract(epoch FROM recorded_at) FROM activity"
                    " WHERE id > %s AND type = 'IdeaCreated' ORDER BY id",
                    (self._last,),
                    prepare=True,
                )
                rows = await cursor.fetchall()
                now = time.time()
                self.polls += 1
                for row_id, aggregate_id, recorded_at in rows:
                    self.seen.setdefault(aggregate_id, (now, float(recorded_at)))
                    self._last = max(self._last, row_id)
                await asyncio.sleep(POLL_SECONDS)


async def _one_rate(stack: Stack, rate: int, settings: B2Settings) -> dict[str, Any]:
    token = mint_token(IDENTITY, "bench", [ORGANIZATION], secret=LOCAL_SECRET, ttl_seconds=3600)
    url = f"{stack.app_url('idea')}/organizations/{ORGANIZATION}/ideas"
    load = OpenLoop(
        url,
        {"Authorization": f"Bearer {token}"},
        lambda i: {"name": f"Idea {i}", "description": f"Benchmark idea number {i} at {rate}/s."},
    )
    poller = ActivityPoller(stack.database_url("activity", "postgresql"))
    stop = asyncio.Event()
    polling = asyncio.create_task(poller.run(stop))
    await asyncio.sleep(0.5)  # the poller has its starting point
    started = time.time()
    result = await load.run(rate, settings.seconds)
    created = {}
    for reply in result.replies:
        if reply.status == 201:
            created[str(_idea_id(reply.body))] = reply
    deadline = time.monotonic() + settings.drain_seconds
    while time.monotonic() < deadline and not set(created) <= set(poller.seen):
        await asyncio.sleep(0.1)
    stop.set()
    await polling
    seen = {key: reply for key, reply in created.items() if key in poller.seen}
    visible = [poller.seen[key][0] - reply.sent for key, reply in seen.items()]
    recorded = [poller.seen[key][1] - reply.sent for key, reply in seen.items()]
    from_due = [poller.seen[key][0] - reply.scheduled for key, reply in seen.items()]
    http = [reply.done - reply.sent for reply in result.replies]
    first_sent = min((r.sent for r in result.replies), default=started)
    window = max((r.done for r in result.replies), default=started) - first_sent
    served = len(created) / window if window > 0 else 0.0
    return {
        "rate": rate,
        "seconds": settings.seconds,
        "sent": int(rate * settings.seconds),
        "created": len(created),
        "achieved_per_s": round(served, 1),
        "served_share": round(served / rate, 3),
        "other_statuses": len(result.replies) - len(created),
        "client_errors": result.errors,
        "unfinished": result.unfinished,
        "saturated": served < SERVED * rate
        or len(created) < rate * settings.seconds
        or result.errors > 0
        or result.unfinished > 0,
        "late_starts": result.late_starts,
        "missing_activities": len(set(created) - set(poller.seen)),
        "e2e_ms": percentiles((1000 * v for v in visible), (50, 95, 99)),
        "e2e_recorded_at_ms": percentiles((1000 * v for v in recorded), (50, 95, 99)),
        "request_due_to_visible_ms": percentiles((1000 * v for v in from_due), (50, 95, 99)),
        "http_ms": percentiles((1000 * v for v in http), (50, 95, 99)),
        "polls": poller.polls,
    }


def _idea_id(body: bytes) -> int:
    return int(json.loads(body)["id"])


def run_b2(stack: Stack, settings: B2Settings, say: Callable[[str], None]) -> dict[str, Any]:
    results = []
    for rate in settings.rates:
        say(f"B2 {rate}/s for {settings.seconds} s")
        figures = asyncio.run(_one_rate(stack, rate, settings))
        say(
            f"B2 {rate}/s: {figures['created']} created ({figures['achieved_per_s']}/s), "
            f"e2e p50 {figures['e2e_ms'].get('p50')} p95 {figures['e2e_ms'].get('p95')} "
            f"p99 {figures['e2e_ms'].get('p99')} ms, missing {figures['missing_activities']}, "
            f"saturated {figures['saturated']}"
        )
        results.append(figures)
    return {
        "settings": {
            "rates": list(settings.rates),
            "seconds": settings.seconds,
            "poll_ms": POLL_SECONDS * 1000,
            "served_share_required": SERVED,
        },
        "rates": results,
        "visibility": "activity rows polled in the activity database every 5 ms",
        "clock": "e2e_ms from the request written to its connection to its activity row seen",
    }
