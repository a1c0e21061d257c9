"""An event's fields as JSON: what the feed shows of each event."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds (e.g. 2026-01-31T10:00:00.000Z): the precision of
    Avro's timestamp-millis, which every event's timestamps have."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def json_safe(value: Any) -> Any:
    """`value` made of JSON types only, keeping its field names and their order: datetimes as
    RFC 3339 text, dates as ISO dates, UUIDs and decimals as text, bytes as base64."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    raise TypeError(f"no JSON form for a {type(value).__name__}")
