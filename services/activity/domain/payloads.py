"""An event's fields as JSON: what the feed shows of each event."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from contractgen.runtime.values import rfc3339 as timestamp

__all__ = ["json_safe", "timestamp"]


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
