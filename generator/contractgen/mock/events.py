"""Mocked events: a service's messages on their real topics, framed as its outbox pipeline frames them.

`frame` is the single place that knows the wire format. Today that is what Debezium's Outbox
Event Router (with the connector config of `contractgen.gen.connectors`) delivers for an outbox
row: the value is the Avro binary of the `payload` column unchanged, the key the aggregate id in
decimal text, and the headers the router's `id`, the additional placements `eventType`,
`schemaId`, `traceparent` (a null value when the write was not traced) and `occurredAt` (ISO
8601 UTC with microseconds, as Debezium renders a `timestamptz`), after the `__debezium.context.*` headers the
connector adds. Values are plain UTF-8 text, unquoted (Connect's SimpleHeaderConverter).
With a `schema_id` (the producing service's registration, `contractgen.mock.registry`) the
value is Confluent-framed as the services write it: `0x00`, the 4-byte id, the Avro body.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import fastavro

from contractgen import outbox_wire as wire
from contractgen.mock.avrodata import AvroData
from contractgen.runtime.avro import AvroSchema
from contractgen.runtime.registry import frame as wire_frame
from contractgen.spec.asyncapi import Channel, Message
from contractgen.spec.project import ServiceSpec

Header = tuple[str, bytes | None]
Source = Literal["examples", "generated"]
MAX_COUNT = 1_000_000
MAX_RATE = 100_000.0


@dataclass(frozen=True)
class KafkaRecord:
    topic: str
    key: bytes
    value: bytes
    headers: list[Header]


@dataclass(frozen=True)
class Connector:
    """Who the mocked messages pretend to come from: the service's outbox connector."""

    logical_name: str
    """The connector's `topic.prefix` (the service's name)."""
    database: str = "postgresql"
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def occurred_at_text(moment: datetime) -> str:
    """`2026-12-04T15:57:26.340230Z`: Debezium's ZonedTimestamp of a PostgreSQL `timestamptz`,
    always with the column's six fractional digits (zeros kept)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def frame(
    message: Message,
    channel: Channel,
    record: dict[str, Any],
    connector: Connector,
    *,
    event_id: uuid.UUID | None = None,
    occurred_at: datetime | None = None,
    traceparent: str | None = None,
    schema_id: int | None = None,
) -> KafkaRecord:
    """One event as the consumer receives it from the real pipeline (see the module docstring)."""
    schema = avro_schema(message)
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema.parsed, record)
    headers: list[Header] = [
        ("__debezium.context.connectorLogicalName", connector.logical_name.encode()),
        ("__debezium.context.taskId", b"0"),
        ("__debezium.context.connectorName", connector.database.encode()),
        ("__debezium.context.runId", connector.run_id.encode()),
        (wire.EVENT_ID, str(event_id or uuid.uuid4()).encode()),
        (wire.EVENT_TYPE, message.name.encode()),
        (wire.SCHEMA_ID, schema.schema_id.encode()),
        (wire.TRACEPARENT, traceparent.encode() if traceparent else None),
        (wire.OCCURRED_AT, occurred_at_text(occurred_at or datetime.now(UTC)).encode()),
    ]
    return KafkaRecord(
        topic=channel.address,
        key=str(record[message.aggregate_field]).encode(),
        value=buffer.getvalue() if schema_id is None else wire_frame(schema_id, buffer.getvalue()),
        headers=headers,
    )


def avro_schema(message: Message) -> AvroSchema:
    """The message's Avro schema and its identity, from the contract (no generated code)."""
    return _parsed(json.dumps(message.avro, sort_keys=True))


@functools.lru_cache(maxsize=256)
def _parsed(text: str) -> AvroSchema:
    return AvroSchema.from_json(text)


class NothingToSend(ValueError):
    """The service sends no such message, or a message has no example to send."""


def sent_messages(service: ServiceSpec, names: Sequence[str] = ()) -> list[tuple[Channel, Message]]:
    """The messages `service` sends (optionally only `names`), each with its channel."""
    if service.asyncapi is None:
        raise NothingToSend(f"{service.name} has no asyncapi.yaml: it sends no events")
    sent = [
        (channel, message)
        for channel in service.asyncapi.channels
        for message in channel.messages
        if message in service.asyncapi.sent
    ]
    known = [m.name for _, m in sent]
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise NothingToSend(
            f"{service.name} sends no {', '.join(unknown)} (it sends: {', '.join(known) or 'nothing'})"
        )
    chosen = [(c, m) for c, m in sent if not names or m.name in names]
    if not chosen:
        raise NothingToSend(f"{service.name} sends no events")
    return chosen


def records(
    messages: Sequence[tuple[Channel, Message]],
    source: Source,
    overrides: dict[str, Any] | None = None,
    seed: int | None = None,
) -> Iterator[tuple[Channel, Message, dict[str, Any]]]:
    """Endless (channel, message, record): the messages in turn, each from its examples in turn or
    generated; `overrides` set fields wherever a message has them (e.g. a tenant's id)."""
    rng = random.Random(seed)
    sources: list[tuple[Channel, Message, AvroData, Iterator[Any] | None]] = []
    for channel, message in messages:
        data = AvroData(message.avro, rng)
        examples: Iterator[Any] | None = None
        if source == "examples":
            if not message.examples:
                raise NothingToSend(
                    f"{message.name} has no example in the contract; use --generated"
                )
            examples = itertools.cycle([data.from_example(e) for e in message.examples])
        sources.append((channel, message, data, examples))
    for channel, message, data, examples in itertools.cycle(sources):
        record = dict(next(examples) if examples is not None else data.generate())
        fields = {f["name"]: f["type"] for f in message.avro["fields"]}
        for name, value in (overrides or {}).items():
            if name in fields:
                record[name] = data.from_example(value, fields[name])
        yield channel, message, record


@dataclass
class PublishReport:
    sent: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def publish(
    produce: Callable[[KafkaRecord], None],
    stream: Iterator[tuple[Channel, Message, dict[str, Any]]],
    connector: Connector,
    *,
    count: int,
    rate: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    schema_ids: Mapping[str, int] | None = None,
) -> PublishReport:
    """Frame and hand `count` records to `produce`, at most `rate` per second (bounded both ways)."""
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be 1..{MAX_COUNT}")
    if not 0 < rate <= MAX_RATE:
        raise ValueError(f"rate must be above 0 and at most {MAX_RATE:.0f} per second")
    report = PublishReport()
    started = clock()
    for index, (channel, message, record) in enumerate(itertools.islice(stream, count)):
        due = started + index / rate
        if (wait := due - clock()) > 0:
            sleep(wait)
        schema_id = schema_ids.get(message.name) if schema_ids else None
        produce(frame(message, channel, record, connector, schema_id=schema_id))
        report.sent[message.name] = report.sent.get(message.name, 0) + 1
    report.seconds = clock() - started
    return report
