"""Mocked event data and framing, without a broker: valid against the contracts, readable by the
generated event classes, paced and bounded as asked."""

from __future__ import annotations

import io
import itertools
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import fastavro
import pytest

from contractgen.mock.avrodata import AvroData
from contractgen.mock.events import (
    Connector,
    NothingToSend,
    avro_schema,
    frame,
    occurred_at_text,
    publish,
    records,
    sent_messages,
)
from contractgen.runtime.consumer import headers_dict
from generated.idea.events import EVENT_TYPES as IDEA_EVENTS
from generated.organization.events import EVENT_TYPES as ORGANIZATION_EVENTS
from tests.mock.conftest import PLATFORM_SPECS, service

GENERATED_CLASSES = {**IDEA_EVENTS, **ORGANIZATION_EVENTS}

EVERY_TYPE = {
    "type": "record",
    "name": "Everything",
    "namespace": "example.events",
    "fields": [
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "atMicros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "clock", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "ref", "type": {"type": "string", "logicalType": "uuid"}},
        {
            "name": "amount",
            "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
        },
        {
            "name": "rate",
            "type": {
                "type": "fixed",
                "name": "Rate",
                "size": 8,
                "logicalType": "decimal",
                "precision": 12,
                "scale": 4,
            },
        },
        {"name": "colour", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "BLUE"]}},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "counts", "type": {"type": "map", "values": "long"}},
        {
            "name": "owner",
            "type": {
                "type": "record",
                "name": "Owner",
                "fields": [{"name": "id", "type": "long"}, {"name": "since", "type": "Colour"}],
            },
        },
        {"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 4}},
        {"name": "ok", "type": "boolean"},
        {"name": "score", "type": "double"},
    ],
}


def roundtrip(schema: Any, datum: Any) -> Any:
    parsed = fastavro.parse_schema(schema)
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parsed, datum)
    return fastavro.schemaless_reader(io.BytesIO(buffer.getvalue()), parsed, None)


def test_generated_records_are_valid_for_every_avro_type_and_logical_type() -> None:
    data = AvroData(EVERY_TYPE)
    parsed = fastavro.parse_schema(EVERY_TYPE)
    for _ in range(50):
        record = data.generate()
        assert fastavro.validate(record, parsed)
        decoded = roundtrip(EVERY_TYPE, record)
        assert {**decoded, "ref": str(decoded["ref"])} == record  # fastavro reads a uuid as UUID
    assert isinstance(record["at"], datetime) and record["at"].tzinfo is not None
    assert isinstance(record["day"], date) and isinstance(record["clock"], time)
    assert uuid.UUID(record["ref"]) and isinstance(record["amount"], Decimal)


def test_examples_written_as_text_become_the_logical_types_avro_needs() -> None:
    example = {
        "at": "2026-01-31T10:00:00Z",
        "atMicros": "2026-01-31T10:00:00.123456+00:00",
        "day": "2026-01-31",
        "clock": "10:30:00",
        "ref": "6f1c1b9e-54a1-4c44-9a52-0d3c0e0c6a11",
        "amount": "12.50",
        "rate": "0.0725",
        "colour": "BLUE",
        "note": "hello",
        "tags": ["a"],
        "counts": {"a": 1},
        "owner": {"id": 1, "since": "RED"},
        "digest": b"abcd",
        "ok": True,
        "score": 1.5,
    }
    datum = AvroData(EVERY_TYPE).from_example(example)
    decoded = roundtrip(EVERY_TYPE, datum)
    assert decoded["at"] == datetime(2026, 1, 31, 10, tzinfo=UTC)
    assert decoded["day"] == date(2026, 1, 31)
    assert decoded["amount"] == Decimal("12.50") and decoded["rate"] == Decimal("0.0725")
    assert decoded["note"] == "hello" and decoded["owner"] == {"id": 1, "since": "RED"}


@pytest.mark.parametrize("source", ["examples", "generated"])
@pytest.mark.parametrize("name", ["organization", "idea"])
def test_mocked_messages_decode_with_the_generated_event_classes(name: str, source: Any) -> None:
    """What a consumer built from the contract will do with them: decode, key, schema identity."""
    messages = sent_messages(service(PLATFORM_SPECS, name))
    connector = Connector(name)
    stream = records(messages, source, seed=5)
    seen = set()
    for channel, message, record in itertools.islice(stream, 4 * len(messages)):
        framed = frame(message, channel, record, connector)
        headers = headers_dict(framed.headers)
        cls = GENERATED_CLASSES[headers["eventType"]]
        event = cls.from_avro(framed.value)
        assert framed.topic == cls.__topic__
        assert framed.key.decode() == event.aggregate_id()
        assert headers["schemaId"] == cls.avro_schema().schema_id == avro_schema(message).schema_id
        assert uuid.UUID(headers["id"]) and headers["occurredAt"].endswith("Z")
        assert headers["__debezium.context.connectorLogicalName"] == name
        seen.add(headers["eventType"])
    assert seen == {m.name for _, m in messages}  # every message, in turn


def test_overrides_set_a_field_wherever_a_message_has_it() -> None:
    messages = sent_messages(service(PLATFORM_SPECS, "organization"))
    stream = records(messages, "generated", {"organizationId": 77, "nothere": 1}, seed=1)
    for _, _, record in itertools.islice(stream, 8):
        assert record["organizationId"] == 77 and "nothere" not in record


def test_what_cannot_be_sent_is_named() -> None:
    with pytest.raises(NothingToSend, match=r"idea sends no Nope \(it sends: IdeaCreated"):
        sent_messages(service(PLATFORM_SPECS, "idea"), ["Nope"])
    with pytest.raises(NothingToSend, match="activity sends no events"):
        sent_messages(service(PLATFORM_SPECS, "activity"))


def test_occurred_at_is_written_as_debezium_writes_a_timestamptz() -> None:
    assert (
        occurred_at_text(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05.000000Z"
    )
    assert (
        occurred_at_text(datetime(2026, 1, 2, 3, 4, 5, 120, tzinfo=UTC))
        == "2026-01-02T03:04:05.000120Z"
    )


def test_publishing_is_paced_and_bounded() -> None:
    now = [0.0]
    sent: list[Any] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    messages = sent_messages(service(PLATFORM_SPECS, "idea"))
    stream = records(messages, "examples")
    report = publish(
        sent.append, stream, Connector("idea"), count=7, rate=2.0, clock=lambda: now[0], sleep=sleep
    )
    assert len(sent) == 7 and sum(report.sent.values()) == 7
    assert now[0] == pytest.approx(3.0)  # 7 messages at 2/s: the last one 3 s after the first
    assert report.sent == {"IdeaCreated": 3, "IdeaUpdated": 2, "IdeaDeleted": 2}
    for count, rate in ((0, 1.0), (1, 0.0), (10**7, 1.0)):
        with pytest.raises(ValueError):
            publish(sent.append, stream, Connector("idea"), count=count, rate=rate)
