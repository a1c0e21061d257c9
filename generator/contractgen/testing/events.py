"""The event side of the contract: what a call wrote to the outbox, judged by the AsyncAPI document.

For each outbox row a successful call wrote: its type is a message the operation declares
(`x-emits`), exactly as many as declared; the payload decodes against the message's Avro schema
with no byte left over; the Kafka key (`aggregateid`) is the payload field the message names in
`x-aggregate-id`; the topic (`aggregatetype`) is the channel's address; and every header the
outbox carries to Kafka (the router's `id`, and each column placed as a header in the connector
config) is present. A failed call writes nothing. Each problem names the channel, the message and
the JSON pointer of what is wrong.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import fastavro

from contractgen import outbox_wire as wire
from contractgen.runtime.avro import AvroSchema
from contractgen.runtime.registry import unframe
from contractgen.spec.project import ServiceSpec
from contractgen.testing.contract import OutboxRow

# Outbox column -> Kafka header, as the connector's Outbox Event Router places them.
HEADER_COLUMNS: dict[str, str] = {wire.ID_COLUMN: wire.EVENT_ID} | wire.HEADER_COLUMNS
# Columns that may be empty: a call without trace context has no traceparent to pass on.
OPTIONAL_HEADERS = frozenset({wire.TRACEPARENT})


@dataclass(frozen=True)
class MessageContract:
    name: str
    channel: str
    aggregate_field: str
    schema: AvroSchema


@dataclass(frozen=True)
class EventContract:
    """What a service sends, by message name, and what each operation emits."""

    messages: Mapping[str, MessageContract]
    emits: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, service: ServiceSpec) -> EventContract:
        messages: dict[str, MessageContract] = {}
        for operation in service.asyncapi.operations if service.asyncapi else ():
            if operation.action != "send":
                continue
            for message in operation.messages:
                schema = AvroSchema.from_json(json.dumps(message.avro))
                messages[message.name] = MessageContract(
                    message.name, operation.channel.address, message.aggregate_field, schema
                )
        emits = {op.operation_id: op.emits for op in service.openapi.operations}
        return cls(messages, emits)

    def problems(self, operation_id: str, status: int, added: Sequence[OutboxRow]) -> list[str]:
        """What is wrong with the rows one call added to the outbox (empty when all is well)."""
        if not 200 <= status < 300:
            wrote = [row.type for row in added]
            return [f"a failed call ({status}) wrote {wrote} to the outbox"] if added else []
        declared = self.emits.get(operation_id, ())
        problems = []
        if sorted(row.type for row in added) != sorted(declared):
            problems.append(
                f"the outbox gained {sorted(row.type for row in added)}, "
                f"operation {operation_id} declares {sorted(declared)} (x-emits)"
            )
        for row in added:
            message = self.messages.get(row.type)
            if message is None:
                problems.append(
                    f"outbox row {row.id}: {row.type!r} is no message the service sends"
                )
            else:
                problems.extend(message_problems(message, row))
        return problems


def message_problems(message: MessageContract, row: OutboxRow) -> list[str]:
    where = f"channel {message.channel}, message {message.name}"
    try:
        record = _decode(message.schema, row.payload)
    except ValueError as error:
        return [f"{where}, /payload: does not decode against the Avro schema: {error}"]
    problems = []
    key = record.get(message.aggregate_field)
    if str(key) != row.aggregate_id:
        problems.append(
            f"{where}, /payload/{message.aggregate_field}: the Kafka key {row.aggregate_id!r} is not "
            f"the payload's {message.aggregate_field} ({key!r}, x-aggregate-id)"
        )
    columns = row.columns
    if columns:
        if columns.get("aggregatetype") != message.channel:
            problems.append(
                f"{where}, /aggregatetype: routed to {columns.get('aggregatetype')!r}, "
                f"the channel's address is {message.channel!r}"
            )
        for column, header in HEADER_COLUMNS.items():
            if column not in OPTIONAL_HEADERS and columns.get(column) in (None, ""):
                problems.append(f"{where}, /headers/{header}: missing (outbox column {column})")
        if columns.get("schema_id") not in (None, message.schema.schema_id):
            problems.append(
                f"{where}, /headers/schemaId: {columns.get('schema_id')!r} is not the contract's "
                f"schema {message.schema.schema_id!r}"
            )
    return problems


def _decode(schema: AvroSchema, framed: bytes) -> dict[str, Any]:
    """The record of a Confluent-framed payload (`0x00` + schema id + Avro body), decoded with
    the contract's schema; anything else is a ValueError that says what is wrong."""
    _, payload = unframe(framed)  # UnframedPayload is a ValueError
    buffer = io.BytesIO(payload)
    try:
        record = fastavro.schemaless_reader(buffer, schema.parsed, None)
    except Exception as error:  # fastavro raises many kinds on bad bytes
        raise ValueError(str(error) or type(error).__name__) from None
    if buffer.tell() != len(payload):
        raise ValueError(f"{len(payload) - buffer.tell()} byte(s) left over after the record")
    if not isinstance(record, dict):
        raise ValueError("the payload is not a record")
    return record
