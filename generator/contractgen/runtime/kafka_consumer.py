"""The consumer loop: Kafka in, contract-checked events to the handlers, exactly-once effects.

Per batch: decode every message (undecodable ones go to `<topic>.dlq` with the reason in
headers), apply the rest in ONE database transaction that also records each event id in the
inbox (a redelivered event is skipped), commit, and only then commit the Kafka offsets. A
handler or database failure rolls the batch back and retries it after a pause: nothing is
skipped, nothing is applied twice. Only a message whose handler keeps failing on its own while
the database answers is set aside, to the dead letters with the error, so that one bad event
cannot stop the feed.

A dead letter counts only once Kafka has acknowledged it. While Kafka refuses it, the loop
retries that message and neither moves on nor commits: a message leaves its topic applied or
safely in its dead-letter topic. Every `inbox_prune_interval` the loop deletes inbox ids older
than `inbox_retention`, in bounded statements between batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from confluent_kafka import Consumer, KafkaException, Message, TopicPartition
from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contractgen import outbox_wire as wire
from contractgen.runtime.avro import Event
from contractgen.runtime.consumer import (
    Dispatcher,
    EventMeta,
    Handler,
    UndecodableEvent,
)
from contractgen.runtime.dead_letters import DEFAULT_ACK_TIMEOUT, DeadLetterRefused, DeadLetters
from contractgen.runtime.inbox import (
    DEFAULT_INBOX_RETENTION,
    DEFAULT_PRUNE_INTERVAL_SECONDS,
    prune,
    record_seen,
)
from contractgen.runtime.writes import Writes

log = logging.getLogger("contractgen.consumer")


@dataclass(frozen=True)
class ConsumerSettings:
    bootstrap_servers: str
    group_id: str
    batch_size: int = 1000
    poll_timeout: float = 0.25  # only bounds how soon stop() is noticed
    retry_pause: float = 1.0
    # A message whose handler fails this many times in a row, alone in its transaction and with
    # the database reachable, is a poison message: it goes to the dead letters.
    max_attempts: int = 3
    # How long one attempt to dead-letter a message waits for Kafka's acknowledgement.
    dead_letter_ack_timeout: float = DEFAULT_ACK_TIMEOUT
    # Inbox ids older than this are deleted: it must exceed the longest time an event can be
    # delivered again (topic retention + segment roll; see contractgen.runtime.inbox).
    inbox_retention: timedelta = DEFAULT_INBOX_RETENTION
    inbox_prune_interval: float = DEFAULT_PRUNE_INTERVAL_SECONDS  # seconds; the first at start
    inbox_prune_batch: int = 10_000  # ids per DELETE statement (one short transaction each)
    inbox_prune_max_batches: int = 10  # statements per pruning; the rest waits for the next one
    # Further librdkafka settings for both the consumer and the dead-letter producer, e.g. the
    # security.protocol / sasl.* of a managed Kafka (see `kafka_security_from_env`).
    client_config: Mapping[str, str] = field(default_factory=dict)


KAFKA_SECURITY_ENV = {
    "KAFKA_SECURITY_PROTOCOL": "security.protocol",
    "KAFKA_SASL_MECHANISM": "sasl.mechanisms",
    "KAFKA_SASL_USERNAME": "sasl.username",
    "KAFKA_SASL_PASSWORD": "sasl.password",
}


def kafka_security_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The librdkafka security settings given in the environment (none for a local Kafka):
    KAFKA_SECURITY_PROTOCOL (e.g. SASL_SSL), KAFKA_SASL_MECHANISM (e.g. PLAIN),
    KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (a Confluent Cloud API key and secret)."""
    return {key: environ[name] for name, key in KAFKA_SECURITY_ENV.items() if environ.get(name)}


@dataclass(frozen=True)
class Decoded:
    message: Message
    event: Event
    handler: Handler
    meta: EventMeta


@dataclass(frozen=True)
class Undecodable:
    message: Message
    reason: str | None  # None: a Kafka error, not a message


def meta_for(message: Message) -> EventMeta:
    """The outbox headers Debezium's router adds; a message without a valid one is undecodable."""
    # One pass over librdkafka's (name, bytes) pairs, for every message: `headers_dict`'s
    # Mapping check and second dict cost ~1 us of the ~12 us a message takes to decode. The last
    # value wins for a repeated name; the router quotes string values. (A dict is possible only
    # for a Message built by hand, as tests do.)
    raw = message.headers() or ()
    headers: dict[str, str] = {}
    for name, value in raw.items() if isinstance(raw, dict) else raw:
        if value is not None:
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
            headers[name] = text.strip('"')
    key = message.key()
    try:
        event_id = uuid.UUID(headers[wire.EVENT_ID])
        occurred = headers.get(wire.OCCURRED_AT)
        occurred_at = datetime.fromisoformat(occurred) if occurred else None
    except (KeyError, ValueError) as error:
        raise UndecodableEvent(f"missing or invalid outbox header: {error!r}") from error
    return EventMeta(
        event_id=event_id,
        event_type=headers.get(wire.EVENT_TYPE, ""),
        topic=str(message.topic()),
        key=key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key or ""),
        partition=int(message.partition() or 0),
        offset=int(message.offset() or 0),
        schema_id=headers.get(wire.SCHEMA_ID),
        traceparent=headers.get(wire.TRACEPARENT),
        occurred_at=occurred_at,
    )


async def apply_events(
    connection: AsyncConnection,
    inbox: Table,
    events: Sequence[tuple[Event, Handler, EventMeta]],
) -> int:
    """A batch in the caller's transaction: the event ids into the inbox in one statement, then
    each event seen for the first time to its handler, in order, then the rows the handlers
    handed over (`meta.writes`), one executemany per statement. Returns how many were applied;
    the caller commits (and only then commits the Kafka offsets)."""
    done = await record_seen(connection, inbox, [(m.event_id, m.topic) for _, _, m in events])
    writes = Writes()
    applied = 0
    for event, handler, meta in events:
        if meta.event_id not in done:
            done.add(meta.event_id)  # the same event twice in one batch: the first only
            await handler(event, replace(meta, connection=connection, writes=writes))
            applied += 1
    await writes.flush(connection)
    return applied


class _Stopped(Exception):
    """Asked to stop while a batch was not yet applied."""


class EventConsumer:
    def __init__(
        self, settings: ConsumerSettings, dispatcher: Dispatcher, engine: AsyncEngine, inbox: Table
    ) -> None:
        self._settings = settings
        self._dispatcher = dispatcher
        self._engine = engine
        self._inbox = inbox
        self._stopping = asyncio.Event()
        common = {**settings.client_config, "bootstrap.servers": settings.bootstrap_servers}
        self._consumer = Consumer(
            {
                **common,
                "group.id": settings.group_id,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "fetch.wait.max.ms": 20,
                # A consumer killed without leaving holds its partitions until its session
                # expires: 10 s instead of librdkafka's 45 s, so a restarted one resumes sooner.
                "session.timeout.ms": 10000,
                "heartbeat.interval.ms": 3000,
            }
        )
        self._dead_letters = DeadLetters(common, ack_timeout=settings.dead_letter_ack_timeout)
        self.applied = 0
        self.dead_lettered = 0
        self.dead_letters_refused = 0  # attempts Kafka refused (each one retried)
        self.inbox_pruned = 0
        self._next_prune = 0.0  # monotonic time of the next pruning

    @property
    def settings(self) -> ConsumerSettings:
        return self._settings

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Consume until `stop()` (or SIGTERM/SIGINT when run in the main thread)."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            # Outside the main thread there are no signal handlers: the caller stops us.
            with contextlib.suppress(RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.stop)
        self._consumer.subscribe(list(self._dispatcher.topics))
        log.info("consuming", extra={"topics": self._dispatcher.topics})
        # The next batch is fetched and decoded in a worker thread while this one is written:
        # the database's time and librdkafka's overlap the interpreter's.
        fetching = asyncio.ensure_future(asyncio.to_thread(self._fetch))
        try:
            while not self._stopping.is_set():
                if time.monotonic() >= self._next_prune:
                    await self.prune_inbox()
                messages, decoded = await fetching
                fetching = asyncio.ensure_future(asyncio.to_thread(self._fetch))
                if messages:
                    await self._handle_batch(messages, decoded)
        finally:
            # A fetched batch not yet applied is simply not committed: it comes again.
            with contextlib.suppress(Exception):
                await fetching
            self._dead_letters.close()
            self._consumer.close()
            log.info(
                "stopped", extra={"applied": self.applied, "dead_lettered": self.dead_lettered}
            )

    def _next_batch(self) -> list[Message]:
        """Wait for one message, then take whatever else has already arrived (up to the batch
        size) without waiting: a lone event is applied at once, a burst in one transaction."""
        first = self._consumer.poll(self._settings.poll_timeout)
        if first is None:
            return []
        return [first, *self._consumer.consume(self._settings.batch_size - 1, 0)]

    def _fetch(self) -> tuple[list[Message], list[Decoded | Undecodable]]:
        """The next batch and each message decoded (or why not), off the event loop."""
        messages = self._next_batch()
        return messages, [self._decode(message) for message in messages]

    def _decode(self, message: Message) -> Decoded | Undecodable:
        if message.error():
            return Undecodable(message, None)
        try:
            meta = meta_for(message)
            event, handler = self._dispatcher.decode(meta.topic, meta.event_type, message.value())
        except UndecodableEvent as reason:
            return Undecodable(message, str(reason))
        return Decoded(message, event, handler, meta)

    async def _handle_batch(
        self, messages: Sequence[Message], decoded: Sequence[Decoded | Undecodable]
    ) -> None:
        try:
            await self._apply_batch(await self._set_aside(decoded))
        except _Stopped:
            return  # nothing committed: the batch is redelivered to the next consumer
        self._commit(messages)

    async def _set_aside(self, batch: Sequence[Decoded | Undecodable]) -> list[Decoded]:
        """The batch's decodable messages; each undecodable one is dead-lettered (and
        acknowledged) before the next is looked at."""
        decoded: list[Decoded] = []
        for item in batch:
            if isinstance(item, Decoded):
                decoded.append(item)
            elif item.reason is None:
                log.warning("kafka error", extra={"error": str(item.message.error())})
            else:
                await self._dead_letter(item.message, item.reason)
        return decoded

    async def _apply_batch(self, decoded: Sequence[Decoded]) -> None:
        """Apply the batch in one transaction; when that keeps failing with the database up, one
        message at a time, so that only a poison message is set aside. Raises _Stopped."""
        if await self._retry(decoded) is None:
            return
        for item in decoded:
            error = await self._retry([item])
            if error is not None:
                await self._dead_letter(
                    item.message,
                    f"handler failed {self._settings.max_attempts} times: {error!r}",
                )

    async def _retry(self, batch: Sequence[Decoded]) -> Exception | None:
        """Apply `batch` until it succeeds (None), until it failed `max_attempts` times while the
        database answered (the last error); raises _Stopped when asked to stop. An unreachable
        database is an outage, not a poison message: it is retried for as long as it lasts."""
        attempts = 0
        while not self._stopping.is_set():
            try:
                await self._apply(batch)
                return None
            except Exception as error:
                log.exception("applying %d event(s) failed; retrying", len(batch))
                if await self._database_answers():
                    attempts += 1
                    if attempts >= self._settings.max_attempts:
                        return error
                await asyncio.sleep(self._settings.retry_pause)
        raise _Stopped

    async def prune_inbox(self) -> int:
        """Delete inbox ids older than the retention window, at most `inbox_prune_max_batches`
        statements of `inbox_prune_batch` ids, each in its own transaction; how many went. A
        failure (the database away) is logged and left for the next round."""
        settings = self._settings
        self._next_prune = time.monotonic() + settings.inbox_prune_interval
        cutoff = datetime.now(UTC) - settings.inbox_retention
        pruned = 0
        try:
            for _ in range(settings.inbox_prune_max_batches):
                async with self._engine.begin() as connection:
                    deleted = await prune(
                        connection, self._inbox, cutoff, settings.inbox_prune_batch
                    )
                pruned += deleted
                if deleted < settings.inbox_prune_batch:
                    break
        except Exception as error:
            log.warning(
                "pruning the inbox failed; next round in %.0f s: %r",
                settings.inbox_prune_interval,
                error,
            )
        if pruned:
            log.info("inbox pruned", extra={"pruned": pruned, "before": cutoff.isoformat()})
        self.inbox_pruned += pruned
        return pruned

    async def _database_answers(self) -> bool:
        try:
            async with self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def _apply(self, batch: Sequence[Decoded]) -> None:
        events = [(item.event, item.handler, item.meta) for item in batch]
        async with self._engine.begin() as connection:
            applied = await apply_events(connection, self._inbox, events)
        self.applied += applied

    async def _dead_letter(self, message: Message, reason: str) -> None:
        """Set `message` aside and return once Kafka has acknowledged its dead letter. While
        Kafka refuses it, retry after a pause (logging the 1st, 2nd, 4th, 8th... refusal and
        then every 64th); raises _Stopped when asked to stop meanwhile."""
        where = {"topic": message.topic(), "offset": message.offset()}
        refusals = 0
        while not self._stopping.is_set():
            try:
                await asyncio.to_thread(self._dead_letters.deliver, message, reason)
            except DeadLetterRefused as refusal:
                refusals += 1
                self.dead_letters_refused += 1
                if _worth_logging(refusals):
                    log.error(
                        "dead letter refused (%d time(s)); retrying, not moving on: %s",
                        refusals,
                        refusal,
                        extra=where,
                    )
                await asyncio.sleep(self._settings.retry_pause)
                continue
            self.dead_lettered += 1
            log.warning("dead-lettered", extra={**where, "reason": reason, "refusals": refusals})
            return
        raise _Stopped

    def _commit(self, messages: Sequence[Message]) -> None:
        latest: dict[tuple[str, int], int] = {}
        for message in messages:
            if not message.error():
                position = (str(message.topic()), int(message.partition() or 0))
                latest[position] = max(latest.get(position, -1), int(message.offset() or 0))
        if latest:
            offsets = [TopicPartition(t, p, o + 1) for (t, p), o in latest.items()]
            try:
                self._consumer.commit(offsets=offsets, asynchronous=False)
            except KafkaException as error:
                # The batch is applied and its ids are in the inbox: an offset not committed
                # (e.g. a restarted broker's coordinator still loading) only means these events
                # come again and are skipped; the next batch's commit moves past them.
                log.warning(
                    "committing offsets failed; the next batch's commit covers them: %s", error
                )


def _worth_logging(refusals: int) -> bool:
    """Powers of two, then every 64th: a long refusal does not flood the log."""
    return refusals & (refusals - 1) == 0 or refusals % 64 == 0
