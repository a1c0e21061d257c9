"""What the transactional outbox looks like on its way to Kafka: the table Debezium reads and the
headers its Outbox Event Router puts on each message. One definition, shared by the generator
(connector configs), the runtime (the outbox writer and the consumer), the mocks and the stack."""

from __future__ import annotations

OUTBOX_TABLE = "outbox"

# The router's default columns: the event id becomes the `id` header, the aggregate id the key.
ID_COLUMN = "id"
KEY_COLUMN = "aggregateid"
TOPIC_COLUMN = "aggregatetype"
PAYLOAD_COLUMN = "payload"

EVENT_ID = "id"
EVENT_TYPE = "eventType"
SCHEMA_ID = "schemaId"
TRACEPARENT = "traceparent"
OCCURRED_AT = "occurredAt"

HEADER_COLUMNS = {
    "type": EVENT_TYPE,
    "schema_id": SCHEMA_ID,
    "traceparent": TRACEPARENT,
    "occurred_at": OCCURRED_AT,
}
"""Outbox columns beyond the router's defaults, and the header each becomes."""

HEADERS = (EVENT_ID, *HEADER_COLUMNS.values())
"""Every header a consumer can rely on, in the order the router adds them."""


def header_placement() -> str:
    """The router's `table.fields.additional.placement` for `HEADER_COLUMNS`."""
    return ",".join(f"{column}:header:{header}" for column, header in HEADER_COLUMNS.items())
