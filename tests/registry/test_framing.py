"""The Confluent wire format and the in-process schema store (no registry process needed)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import fastavro
import pytest

from contractgen.runtime.avro import AvroSchema
from contractgen.runtime.consumer import Dispatcher, Subscription, UndecodableEvent
from contractgen.runtime.registry import (
    SchemaStore,
    UnframedPayload,
    decode_event,
    encode_event,
    frame,
    subject_name,
    unframe,
    use_store,
)
from generated.idea.events import IdeaCreated, IdeaDeleted

EVENT = IdeaCreated(
    idea_id=7,
    organization_id=3,
    name="n",
    description="d",
    created_on=datetime(2026, 1, 1, tzinfo=UTC),
)


@pytest.fixture
def local_store():
    store = SchemaStore()
    previous = use_store(store)
    yield store
    use_store(previous)


def test_frame_is_magic_byte_big_endian_id_and_body() -> None:
    assert frame(0x01020304, b"body") == b"\x00\x01\x02\x03\x04body"
    assert unframe(b"\x00\x00\x00\x01\x00rest") == (256, b"rest")


@pytest.mark.parametrize("data", [b"", b"\x00\x00", b"\x01\x00\x00\x00\x01x", b"\x02abc"])
def test_unframe_refuses_what_is_not_confluent_framed(data: bytes) -> None:
    with pytest.raises(UnframedPayload, match="Confluent wire format"):
        unframe(data)


def test_subject_names_follow_confluents_strategies() -> None:
    assert subject_name("t", "a.B", "topic") == "t-value"
    assert subject_name("t", "a.B", "record") == "a.B"
    assert subject_name("t", "a.B") == "t-a.B"
    with pytest.raises(ValueError, match="unknown subject strategy"):
        subject_name("t", "a.B", "other")


def test_events_carry_their_contracts_compatibility_mode() -> None:
    assert IdeaCreated.__compatibility__ == "BACKWARD"


def test_encoded_event_round_trips_through_its_schema_id(local_store: SchemaStore) -> None:
    framed = encode_event(EVENT)
    schema_id, body = unframe(framed)
    assert schema_id == local_store.schema_id(IdeaCreated)
    assert body == EVENT.to_avro()
    assert decode_event(IdeaCreated, framed) == EVENT == IdeaCreated.from_framed(framed)


def test_consumer_resolves_an_older_writer_into_its_reader_schema(local_store: SchemaStore) -> None:
    """A writer without the reader's optional field (it has a default): the default fills it."""
    reader = IdeaDeleted.avro_schema().raw
    older = dict(reader, fields=[f for f in reader["fields"] if f["name"] != "deletedOn"])
    newer = dict(
        reader, fields=[*reader["fields"], {"name": "reason", "type": "string", "default": ""}]
    )
    writer = AvroSchema.from_json(json.dumps(newer))
    local_store._schemas[99] = writer
    buffer = io.BytesIO()
    record = {
        "ideaId": 1,
        "organizationId": 2,
        "deletedOn": datetime(2026, 1, 1, tzinfo=UTC),
        "reason": "x",
    }
    fastavro.schemaless_writer(buffer, writer.parsed, record)
    decoded = IdeaDeleted.from_framed(frame(99, buffer.getvalue()))
    assert (decoded.idea_id, decoded.organization_id) == (1, 2)
    # The older writer lacks a field the reader requires without a default: unresolvable.
    local_store._schemas[98] = AvroSchema.from_json(json.dumps(older))
    buffer = io.BytesIO()
    fastavro.schemaless_writer(
        buffer, local_store._schemas[98].parsed, {"ideaId": 1, "organizationId": 2}
    )
    dispatcher = Dispatcher(
        _Handlers(), [Subscription("microservicesapp.idea.events", IdeaDeleted, "on")]
    )
    with pytest.raises(UndecodableEvent, match="deletedOn"):
        dispatcher.decode(
            "microservicesapp.idea.events", "IdeaDeleted", frame(98, buffer.getvalue())
        )
    with pytest.raises(UndecodableEvent, match="unknown schema id 12345"):
        dispatcher.decode("microservicesapp.idea.events", "IdeaDeleted", frame(12345, b""))
    with pytest.raises(UndecodableEvent, match="Confluent wire format"):
        dispatcher.decode(
            "microservicesapp.idea.events",
            "IdeaDeleted",
            IdeaDeleted(
                idea_id=1, organization_id=2, deleted_on=datetime(2026, 1, 1, tzinfo=UTC)
            ).to_avro(),
        )


def test_a_writer_schema_identical_to_the_readers_is_read_without_resolution(
    local_store: SchemaStore,
) -> None:
    """The registry's copy of the reader's own schema (another object, same canonical form) is
    read directly; a writer whose fields come in another order is still resolved by name."""
    reader = IdeaCreated.avro_schema()
    local_store._schemas[41] = AvroSchema.from_json(json.dumps(reader.raw))
    reordered = dict(reader.raw, fields=list(reversed(reader.raw["fields"])))
    local_store._schemas[42] = writer = AvroSchema.from_json(json.dumps(reordered))
    assert local_store.resolution(IdeaCreated, 41) is None
    assert local_store.resolution(IdeaCreated, 42) is writer
    assert decode_event(IdeaCreated, frame(41, EVENT.to_avro())) == EVENT
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, writer.parsed, EVENT.to_record())
    assert decode_event(IdeaCreated, frame(42, buffer.getvalue())) == EVENT


class _Handlers:
    async def on(self, event: object, meta: object) -> None:
        return None


def test_registry_settings_come_from_the_environment() -> None:
    from contractgen.runtime.settings import ServiceSettings
    from services.identity import IDENTITY

    settings = ServiceSettings.from_env(
        "idea",
        IDENTITY,
        environ={
            "JWT_SECRET": "s",
            "SCHEMA_REGISTRY_URL": "https://psrc-1.westeurope.azure.confluent.cloud",
            "SCHEMA_REGISTRY_USERNAME": "key",
            "SCHEMA_REGISTRY_PASSWORD": "hunter2",
        },
    )
    assert settings.schema_registry_url == "https://psrc-1.westeurope.azure.confluent.cloud"
    assert (settings.schema_registry_username, settings.schema_registry_password) == (
        "key",
        "hunter2",
    )
    assert settings.schema_registry_subject_strategy == "topic-record"
    assert "hunter2" not in repr(settings)
