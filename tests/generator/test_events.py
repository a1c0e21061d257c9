"""Every generated .avsc parses, and every message example round-trips through its event class."""

from __future__ import annotations

import importlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import fastavro
import pytest
from fastavro.schema import fingerprint, to_parsing_canonical_form

from contractgen.runtime.avro import AvroSchema, Event
from contractgen.spec.asyncapi import Message, example_datum
from contractgen.spec.project import load_project
from generated.idea.events import IdeaCreated, IdeaDeleted
from tests.generator.helpers import REPO

PROJECT = load_project(REPO / "specs")
SENT = [(s.name, m) for s in PROJECT.services if s.asyncapi for m in s.asyncapi.sent]
AVSC = sorted((REPO / "generated").rglob("*.avsc"))


def _avsc(service: str, message: Message) -> dict[str, object]:
    path = REPO / "generated" / service / "avro" / f"{message.full_name}.avsc"
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def test_every_sent_message_has_an_avsc() -> None:
    assert len(AVSC) == len(SENT) == 7


@pytest.mark.parametrize("path", AVSC, ids=[p.name for p in AVSC])
def test_avsc_parses_and_carries_docs(path: Path) -> None:
    schema = json.loads(path.read_text())
    parsed = fastavro.parse_schema(schema)
    assert path.name == f"{schema['namespace']}.{schema['name']}.avsc"
    assert parsed["name"] == f"{schema['namespace']}.{schema['name']}"
    assert schema["doc"]
    assert all(field.get("doc") for field in schema["fields"])


@pytest.mark.parametrize(("service", "message"), SENT, ids=[m.name for _, m in SENT])
def test_examples_round_trip_through_the_event_class(service: str, message: Message) -> None:
    cls: type[Event] = getattr(importlib.import_module(f"generated.{service}.events"), message.name)
    assert message.examples, f"{message.name} has no example"
    reader = fastavro.parse_schema(_avsc(service, message))
    for example in message.examples:
        event = cls.from_record(example_datum(message.avro, example))
        encoded = event.to_avro()
        assert cls.from_avro(encoded) == event
        # Plain Avro binary: a reader holding only the .avsc decodes it.
        assert fastavro.schemaless_reader(io.BytesIO(encoded), reader, None) == event.to_record()


def test_schema_id_is_full_name_and_avro_fingerprint() -> None:
    path = REPO / "generated/idea/avro/microservicesapp.idea.events.IdeaCreated.avsc"
    canonical = to_parsing_canonical_form(fastavro.parse_schema(json.loads(path.read_text())))
    expected = f"microservicesapp.idea.events.IdeaCreated@{fingerprint(canonical, 'CRC-64-AVRO')}"
    assert IdeaCreated.avro_schema().schema_id == expected


def test_a_reader_resolves_the_writer_schema() -> None:
    """Schema evolution: a newer producer added an optional field; this consumer still decodes."""
    path = REPO / "generated/idea/avro/microservicesapp.idea.events.IdeaDeleted.avsc"
    newer = json.loads(path.read_text())
    newer["fields"].append({"name": "reason", "type": ["null", "string"], "default": None})
    event = IdeaDeleted(idea_id=1, organization_id=2, deleted_on=datetime(2026, 1, 1, tzinfo=UTC))
    buffer = io.BytesIO()
    fastavro.schemaless_writer(
        buffer, fastavro.parse_schema(newer), {**event.to_record(), "reason": "dup"}
    )
    assert (
        IdeaDeleted.from_avro(buffer.getvalue(), AvroSchema.from_json(json.dumps(newer))) == event
    )


def test_corrupt_bytes_do_not_decode() -> None:
    with pytest.raises(Exception):  # noqa: B017 - fastavro raises several types
        IdeaCreated.from_avro(b"\x01\x02")
