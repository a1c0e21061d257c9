"""The schema registry on the real stack (Apicurio, Kafka, the services' outboxes through Debezium):
the topics carry the Confluent wire format, events evolve under the declared compatibility, an
incompatible change is refused naming subject and field, and `verify-events` checks live topics."""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import fastavro
import pytest
from click.testing import CliRunner
from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from contractgen.cli import main
from contractgen.runtime.avro import AvroSchema
from contractgen.runtime.registry import (
    RegistryClient,
    RegistryError,
    SchemaStore,
    encode_event,
    frame,
    start_registry,
    subject_name,
    unframe,
    use_store,
)
from contractgen.stack.kafka import ensure_topics
from contractgen.stack.stack import Stack
from generated.idea.events import EVENT_TYPES, IdeaCreated
from services.platform_client import PlatformClient
from tests.settings import settings_for
from tests.stack.conftest import ROOT

pytestmark = pytest.mark.stack

IDEA_TOPIC = "microservicesapp.idea.events"
SPECS = str(ROOT / "specs")


def read(
    stack: Stack,
    topic: str,
    count: int,
    seconds: float = 30.0,
    until: Callable[[Any], bool] | None = None,
) -> list[Any]:
    """Up to `count` records of `topic` from its start, within `seconds`; with `until`, stop at
    the first record it accepts (the topic may hold thousands from earlier tests)."""
    consumer = Consumer(
        {
            "bootstrap.servers": stack.bootstrap,
            "group.id": f"registry-test-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe([topic])
    records = []
    try:
        deadline = time.monotonic() + seconds
        while len(records) < count and time.monotonic() < deadline:
            record = consumer.poll(0.5)
            if record is not None and record.error() is None:
                records.append(record)
                if until is not None and until(record):
                    break
    finally:
        consumer.close()
    return records


@pytest.fixture(scope="module")
def registry(stack: Stack) -> Iterator[RegistryClient]:
    client = RegistryClient(stack.registry_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def idea_created(stack: Stack, client: PlatformClient) -> dict[str, Any]:
    started = time.time()
    organization = client.create_organization(f"Registry {uuid.uuid4().hex[:8]}", "Schemas.")["id"]
    idea: dict[str, Any] = client.create_idea(organization, "Framed", "Confluent wire format")
    return idea | {"since": started}


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[PlatformClient]:
    with PlatformClient(stack.service_urls(), subject="registry") as platform_client:
        yield platform_client


def test_a_standard_kafka_avro_deserializer_reads_the_services_events(
    stack: Stack, idea_created: dict[str, Any]
) -> None:
    """confluent-kafka's own AvroDeserializer, pointed at Apicurio's Confluent API, reads what the
    idea service wrote into its outbox and Debezium put on the topic."""
    # With a timeout, as any client should set: confluent-kafka's has none by default, and once
    # (1 CI run in many) its first request, the topic's associations that Apicurio answers with
    # 404, never got its answer and the test waited forever. A timed-out request is retried.
    registry = SchemaRegistryClient({"url": stack.registry_url, "timeout": 10})
    deserializer = AvroDeserializer(registry)
    key = str(idea_created["id"]).encode()
    records = [
        r
        for r in read(stack, IDEA_TOPIC, 1_000_000, 60, until=lambda r: r.key() == key)
        if r.key() == key
    ]
    assert records, "the idea's event never reached the topic"
    value = records[0].value()
    schema_id, _ = unframe(value)
    subject = subject_name(IDEA_TOPIC, IdeaCreated.avro_schema().full_name)
    assert subject in RegistryClient(stack.registry_url).subjects_of(schema_id)
    decoded = deserializer(value, SerializationContext(IDEA_TOPIC, MessageField.VALUE))
    assert decoded["ideaId"] == idea_created["id"]
    assert decoded["name"] == "Framed"


def _versions() -> tuple[dict[str, Any], dict[str, Any]]:
    old = dict(IdeaCreated.avro_schema().raw)
    new = dict(
        old,
        fields=[
            *old["fields"],
            {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
        ],
    )
    return old, new


def _write(schema: AvroSchema, schema_id: int, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema.parsed, record)
    return frame(schema_id, buffer.getvalue())


def test_old_and_new_consumers_read_old_and_new_events_through_the_registry_and_kafka(
    stack: Stack, registry: RegistryClient
) -> None:
    """Version 2 of a message adds an optional field with a default (allowed under BACKWARD):
    a consumer built on version 1 reads version 2 events, one built on version 2 reads version 1
    events, each resolving the writer's schema by the id in the frame."""
    topic = f"e2e.evolution.{uuid.uuid4().hex[:8]}"
    ensure_topics(stack.bootstrap, [(topic, 1)])
    subject = subject_name(topic, IdeaCreated.avro_schema().full_name)
    old, new = (AvroSchema.from_json(json.dumps(v)) for v in _versions())
    registry.set_compatibility(subject, "BACKWARD")
    old_id = registry.register(subject, json.dumps(old.raw))
    new_id = registry.register(subject, json.dumps(new.raw))
    assert old_id != new_id
    base = {
        "ideaId": 1,
        "organizationId": 2,
        "name": "n",
        "description": "d",
        "createdOn": datetime(2026, 1, 1, tzinfo=UTC),
    }
    producer = Producer({"bootstrap.servers": stack.bootstrap})
    producer.produce(topic, key="1", value=_write(old, old_id, base))
    producer.produce(topic, key="1", value=_write(new, new_id, base | {"tags": ["x"]}))
    assert producer.flush(10) == 0
    values = [r.value() for r in read(stack, topic, 2)]
    assert len(values) == 2
    previous = use_store(SchemaStore(RegistryClient(stack.registry_url)))  # nothing cached
    try:
        # The old consumer: the generated class (version 1) is its reader schema.
        assert [IdeaCreated.from_framed(v).name for v in values] == ["n", "n"]
        # The new consumer: version 2 as reader; the old event gets the default.
        store = SchemaStore(RegistryClient(stack.registry_url))
        decoded = []
        for value in values:
            schema_id, body = unframe(value)
            writer = store.writer_schema(schema_id)
            decoded.append(fastavro.schemaless_reader(io.BytesIO(body), writer.parsed, new.parsed))
        assert [d["tags"] for d in decoded] == [[], ["x"]]
    finally:
        use_store(previous)


def test_an_incompatible_change_is_refused_naming_subject_and_field(
    stack: Stack, registry: RegistryClient
) -> None:
    """Under BACKWARD a new required field without a default would leave new consumers unable
    to read old events: the registry refuses the registration, and a service does not start."""
    topic = f"e2e.incompatible.{uuid.uuid4().hex[:8]}"
    subject = subject_name(topic, IdeaCreated.avro_schema().full_name)
    old, _ = _versions()
    registry.set_compatibility(subject, "BACKWARD")
    registry.register(subject, json.dumps(old))
    broken = dict(old, fields=[*old["fields"], {"name": "priority", "type": "int"}])
    with pytest.raises(RegistryError, match="409") as refused:
        registry.register(subject, json.dumps(broken))
    assert subject in str(refused.value) and "priority" in str(refused.value)
    compatible, _ = registry.check(subject, json.dumps(broken))
    assert not compatible


def test_a_service_does_not_start_when_the_registry_is_down(stack: Stack) -> None:
    settings = settings_for("idea", "", schema_registry_url="http://127.0.0.1:9/apis/ccompat/v7")
    with pytest.raises(RegistryError, match="unreachable"):
        start_registry(settings, EVENT_TYPES.values())


def test_verify_events_passes_on_the_live_idea_topic(
    stack: Stack, idea_created: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "verify-events",
            IDEA_TOPIC,
            "--specs",
            SPECS,
            # From this module's idea on: tests before it put poison on the topic on purpose.
            "--since",
            str(idea_created["since"]),
            "--timeout",
            "4",
            "--bootstrap-servers",
            stack.bootstrap,
            "--registry-url",
            stack.registry_url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "IdeaCreated" in result.output and "OK" in result.output
    with capsys.disabled():
        print(f"\n{result.output}")


def test_verify_events_fails_on_a_bad_message_naming_channel_message_and_pointer(
    stack: Stack, idea_created: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """A scratch topic read against the idea channel's contract: one good event, one with the
    wrong key, one unframed, one without headers."""
    topic = f"e2e.verify.{uuid.uuid4().hex[:8]}"
    ensure_topics(stack.bootstrap, [(topic, 1)])
    store = SchemaStore(RegistryClient(stack.registry_url))
    store.register(EVENT_TYPES.values())
    previous = use_store(store)
    try:
        event = IdeaCreated(
            idea_id=5,
            organization_id=1,
            name="n",
            description="d",
            created_on=datetime(2026, 1, 1, tzinfo=UTC),
        )
        framed = encode_event(event)
    finally:
        use_store(previous)
    headers = [
        ("id", str(uuid.uuid4()).encode()),
        ("eventType", b"IdeaCreated"),
        ("occurredAt", b"1"),
        ("schemaId", b"x"),
    ]
    producer = Producer({"bootstrap.servers": stack.bootstrap})
    producer.produce(topic, key="5", value=framed, headers=headers)
    producer.produce(topic, key="6", value=framed, headers=headers)
    producer.produce(topic, key="5", value=event.to_avro(), headers=headers)
    producer.produce(topic, key="5", value=framed, headers=headers[1:])
    assert producer.flush(10) == 0
    result = CliRunner().invoke(
        main,
        [
            "verify-events",
            IDEA_TOPIC,
            "--topic",
            topic,
            "--specs",
            SPECS,
            "--timeout",
            "4",
            "--bootstrap-servers",
            stack.bootstrap,
            "--registry-url",
            stack.registry_url,
        ],
    )
    assert result.exit_code == 1, result.output
    assert "FAILED: 3 problem(s)" in result.output
    assert (
        f"{IDEA_TOPIC} IdeaCreated (partition 0 offset 1) /key: is '6', not the ideaId '5'"
        in result.output
    )
    assert "offset 2) /: not in the Confluent wire format" in result.output
    assert "offset 3) /headers/id: header missing" in result.output
    with capsys.disabled():
        print(f"\n{result.output}")


def test_verify_events_fails_when_nothing_arrives(stack: Stack) -> None:
    topic = f"e2e.empty.{uuid.uuid4().hex[:8]}"
    ensure_topics(stack.bootstrap, [(topic, 1)])
    result = CliRunner().invoke(
        main,
        [
            "verify-events",
            IDEA_TOPIC,
            "--topic",
            topic,
            "--specs",
            SPECS,
            "--timeout",
            "2",
            "--bootstrap-servers",
            stack.bootstrap,
            "--registry-url",
            stack.registry_url,
        ],
    )
    assert result.exit_code == 1
    assert "expected at least 1" in result.output


def test_costs_of_registration_and_id_lookup(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    """Measured, printed for the record: registration once at start-up; on the write path the id
    comes from memory; on the read path the first lookup goes to the registry, then memory."""
    settings = settings_for("idea", "", schema_registry_url=stack.registry_url)
    started = time.perf_counter()
    store = start_registry(settings, EVENT_TYPES.values())
    registration = time.perf_counter() - started
    event = IdeaCreated(
        idea_id=5,
        organization_id=1,
        name="n",
        description="d",
        created_on=datetime(2026, 1, 1, tzinfo=UTC),
    )
    n = 20_000
    started = time.perf_counter()
    for _ in range(n):
        store.schema_id(IdeaCreated)
    write_lookup = (time.perf_counter() - started) / n
    started = time.perf_counter()
    for _ in range(n):
        event.to_avro()
    avro_only = (time.perf_counter() - started) / n
    started = time.perf_counter()
    for _ in range(n):
        encode_event(event)
    framed = (time.perf_counter() - started) / n
    reader = SchemaStore(RegistryClient(stack.registry_url))
    schema_id = store.schema_id(IdeaCreated)
    started = time.perf_counter()
    reader.writer_schema(schema_id)
    first = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(n):
        reader.writer_schema(schema_id)
    cached = (time.perf_counter() - started) / n
    use_store(SchemaStore())
    assert write_lookup < 1e-4 and cached < 1e-4 and first > cached
    with capsys.disabled():
        print(
            f"\nregistry costs: registration of {len(EVENT_TYPES)} events at start-up {registration * 1000:.1f} ms; "
            f"write path id lookup {write_lookup * 1e9:.0f} ns (to_avro {avo(avro_only)}, framed {avo(framed)}); "
            f"read path first lookup {first * 1000:.2f} ms, cached {cached * 1e9:.0f} ns"
        )


def avo(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def test_the_registry_keeps_its_data_in_the_stacks_postgresql(
    stack: Stack, idea_created: dict[str, Any]
) -> None:
    """Schema ids must outlive a registry restart like the events that carry them."""
    from contractgen.stack.registry import DATABASE

    tables = stack.postgres.psql(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", DATABASE
    )
    assert int(tables.strip()) > 5
    subject = subject_name(IDEA_TOPIC, IdeaCreated.avro_schema().full_name)
    stored = stack.postgres.psql(
        f"SELECT count(*) FROM versions WHERE artifactid = '{subject}'", DATABASE
    )
    assert int(stored.strip()) >= 1
