"""Event conformance on a live topic: each message checked against its channel's contract.

A message conforms when its value is Confluent-framed, its schema id resolves in the registry to
the subject its contract message is registered under, the body decodes with that writer schema
resolved into the contract's (reader) schema, its key is the message's `x-aggregate-id` field, and
the headers the outbox pipeline documents are there. Problems name channel, message and a JSON
pointer (into the value, or `/headers/<name>`, `/key`)."""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import fastavro

from contractgen.runtime.consumer import headers_dict
from contractgen.runtime.registry import (
    RegistryClient,
    RegistryError,
    UnframedPayload,
    subject_name,
    unframe,
)
from contractgen.spec.asyncapi import Channel, Message
from contractgen.spec.project import Project

# Debezium's Outbox Event Router adds `id`; the generated connectors place these columns as headers.
REQUIRED_HEADERS = ("id", "eventType", "occurredAt", "schemaId")


@dataclass(frozen=True)
class Problem:
    channel: str
    message: str
    where: str
    """Partition/offset of the Kafka record."""
    pointer: str
    reason: str

    def __str__(self) -> str:
        return f"{self.channel} {self.message} ({self.where}) {self.pointer or '/'}: {self.reason}"


@dataclass
class Report:
    checked: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.checked.values())


def find_channels(project: Project, target: str) -> list[Channel]:
    """The channels a name means: a channel's address or key, or every channel a service sends to.
    A channel comes from the service that sends on it (its messages are the contract)."""
    for service in project.services:
        if service.name == target and service.asyncapi is not None:
            sent = set(service.asyncapi.sent)
            return [c for c in service.asyncapi.channels if sent & set(c.messages)]
    for service in project.services:
        if service.asyncapi is None:
            continue
        sent = set(service.asyncapi.sent)
        for channel in service.asyncapi.channels:
            if target in (channel.address, channel.key) and sent & set(channel.messages):
                return [channel]
    raise LookupError(f"no service or sent channel named {target!r}")


class Checker:
    """Checks records of one channel; writer schemas by id and subjects are fetched once."""

    def __init__(self, channel: Channel, registry: RegistryClient, strategy: str = "topic-record"):
        self.channel = channel
        self.registry = registry
        self.strategy = strategy
        self.messages = {m.name: m for m in channel.messages}
        self._readers = {m.name: fastavro.parse_schema(m.avro) for m in channel.messages}
        self._writers: dict[int, tuple[Any, list[str]]] = {}

    def _writer(self, schema_id: int) -> tuple[Any, list[str]]:
        if schema_id not in self._writers:
            text = self.registry.schema(schema_id)
            subjects = self.registry.subjects_of(schema_id)
            self._writers[schema_id] = (fastavro.parse_schema(json.loads(text)), subjects)
        return self._writers[schema_id]

    def check(
        self, key: bytes | None, value: bytes | None, headers: Mapping[str, str], where: str
    ) -> tuple[str, list[Problem]]:
        """(message name or "?", problems) of one record."""
        address = self.channel.address
        name = headers.get("eventType", "")
        message = self.messages.get(name)

        def problem(pointer: str, reason: str) -> Problem:
            return Problem(address, name or "?", where, pointer, reason)

        problems = [
            problem(f"/headers/{h}", "header missing")
            for h in REQUIRED_HEADERS
            if not headers.get(h)
        ]
        if headers.get("id"):
            try:
                uuid.UUID(headers["id"])
            except ValueError:
                problems.append(problem("/headers/id", f"not a UUID: {headers['id']!r}"))
        if message is None:
            known = ", ".join(sorted(self.messages))
            problems.append(
                problem("/headers/eventType", f"not a message of this channel ({known})")
            )
            return name or "?", problems
        record = self._decode(message, value or b"", problems, problem)
        if record is not None:
            expected = str(record.get(message.aggregate_field))
            actual = key.decode("utf-8", "replace") if key is not None else None
            if actual != expected:
                problems.append(
                    problem(
                        "/key", f"is {actual!r}, not the {message.aggregate_field} {expected!r}"
                    )
                )
        return name, problems

    def _decode(
        self,
        message: Message,
        value: bytes,
        problems: list[Problem],
        problem: Callable[..., Problem],
    ) -> dict[str, Any] | None:
        try:
            schema_id, body = unframe(value)
        except UnframedPayload as error:
            problems.append(problem("", str(error)))
            return None
        try:
            writer, subjects = self._writer(schema_id)
        except RegistryError as error:
            problems.append(problem("", f"schema id {schema_id} does not resolve: {error}"))
            return None
        subject = subject_name(self.channel.address, message.full_name, self.strategy)
        if subject not in subjects:
            problems.append(
                problem("", f"schema id {schema_id} is not registered under {subject} ({subjects})")
            )
        try:
            buffer = io.BytesIO(body)
            record = fastavro.schemaless_reader(buffer, writer, self._readers[message.name])
            if buffer.read():
                raise ValueError("bytes left over after the record")
        except Exception as error:  # fastavro raises many types on corrupt or unresolvable data
            problems.append(problem("", f"does not decode as {message.full_name}: {error}"))
            return None
        return record if isinstance(record, dict) else None


def verify(
    channels: list[Channel],
    bootstrap_servers: str,
    registry: RegistryClient,
    *,
    timeout: float,
    topic: str | None = None,
    strategy: str = "topic-record",
    kafka: Mapping[str, str] | None = None,
    max_messages: int = 10_000,
    since_ms: int | None = None,
) -> Report:
    """Read each channel's topic for `timeout` seconds (bounded by `max_messages`), from the
    beginning or from the first message at or after `since_ms` (epoch milliseconds), with a
    throw-away consumer group that commits nothing."""
    from confluent_kafka import Consumer, KafkaError

    checkers = {topic or c.address: Checker(c, registry, strategy) for c in channels}
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap_servers,
            "group.id": f"contractgen-verify-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            **(kafka or {}),
        }
    )
    report = Report()
    try:
        consumer.assign(_start_positions(consumer, list(checkers), since_ms))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and report.total < max_messages:
            record = consumer.poll(min(0.5, max(0.0, deadline - time.monotonic())))
            if record is None:
                continue
            error = record.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    continue
                raise RuntimeError(f"Kafka: {error}")
            headers = headers_dict(record.headers())
            where = f"partition {record.partition()} offset {record.offset()}"
            key = record.key()
            name, problems = checkers[str(record.topic())].check(
                key.encode() if isinstance(key, str) else key, record.value(), headers, where
            )
            report.checked[name] = report.checked.get(name, 0) + 1
            report.problems += problems
    finally:
        consumer.close()
    return report


def _start_positions(consumer: Any, topics: list[str], since_ms: int | None) -> list[Any]:
    """Every partition of `topics`, at its beginning or at `since_ms` (assigned, not
    subscribed: no group rebalance to wait for)."""
    from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, TopicPartition

    partitions = []
    for topic in topics:
        metadata = consumer.list_topics(topic, timeout=10).topics[topic]
        if metadata.error is not None:
            raise RuntimeError(f"Kafka: topic {topic}: {metadata.error}")
        partitions += [TopicPartition(topic, p) for p in sorted(metadata.partitions)]
    if since_ms is None:
        return [TopicPartition(p.topic, p.partition, OFFSET_BEGINNING) for p in partitions]
    found = consumer.offsets_for_times(
        [TopicPartition(p.topic, p.partition, since_ms) for p in partitions], timeout=10
    )
    # -1: no message at or after the time yet; start at the end and read what comes.
    return [
        TopicPartition(p.topic, p.partition, p.offset if p.offset >= 0 else OFFSET_END)
        for p in found
    ]
