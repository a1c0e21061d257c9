"""Avro data for mocked events: the contract's examples made encodable, or generated records.

Examples are written in YAML/JSON, so logical types arrive as text (`'2026-01-31T10:00:00Z'`,
`'2026-01-31'`, `'12.50'`); fastavro wants datetimes, dates and Decimals. Generated records
cover every Avro type the contracts can use, logical types included, and are valid by
construction (the encoder checks them again).
"""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

PRIMITIVES = ("null", "boolean", "int", "long", "float", "double", "bytes", "string")
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class AvroData:
    """Knows the named types of one schema (records, enums and fixed can be referenced by name)."""

    def __init__(self, schema: Any, rng: random.Random | None = None) -> None:
        self.schema = schema
        self.rng = rng or random.Random()
        self.named: dict[str, Any] = {}
        self._collect(schema, None)

    def _collect(self, schema: Any, namespace: str | None) -> None:
        if isinstance(schema, list):
            for branch in schema:
                self._collect(branch, namespace)
        elif isinstance(schema, dict):
            kind = schema.get("type")
            if kind in ("record", "error", "enum", "fixed"):
                namespace = schema.get("namespace", namespace)
                name = schema["name"]
                full = name if "." in name or not namespace else f"{namespace}.{name}"
                self.named[full] = self.named[name] = schema
            for field in schema.get("fields", []):
                self._collect(field["type"], namespace)
            for key in ("items", "values"):
                if key in schema:
                    self._collect(schema[key], namespace)
            if isinstance(kind, (dict, list)):
                self._collect(kind, namespace)

    def _named(self, schema: Any) -> Any:
        if isinstance(schema, str) and schema not in PRIMITIVES:
            return self.named[schema]
        if isinstance(schema, dict) and isinstance(schema.get("type"), (dict, list)):
            return schema["type"]
        return schema

    # --- examples -------------------------------------------------------------------------

    def from_example(self, example: Any, schema: Any = None) -> Any:
        """An example as written in the contract, with logical types turned into Python values."""
        schema = self._named(self.schema if schema is None else schema)
        if isinstance(schema, list):
            branch = (
                next((b for b in schema if b != "null"), "null") if example is not None else "null"
            )
            return self.from_example(example, branch)
        if isinstance(schema, str):
            return example
        logical, kind = schema.get("logicalType"), schema.get("type")
        if logical and isinstance(example, str):
            return _parse_logical(logical, example, schema)
        if kind in ("record", "error") and isinstance(example, Mapping):
            return {
                f["name"]: self.from_example(example[f["name"]], f["type"])
                for f in schema["fields"]
                if f["name"] in example
            }
        if kind == "array" and isinstance(example, list):
            return [self.from_example(item, schema["items"]) for item in example]
        if kind == "map" and isinstance(example, Mapping):
            return {k: self.from_example(v, schema["values"]) for k, v in example.items()}
        return example

    # --- generated --------------------------------------------------------------------------

    def generate(self, schema: Any = None, depth: int = 0) -> Any:
        schema = self._named(self.schema if schema is None else schema)
        rng = self.rng
        if isinstance(schema, list):
            options = [b for b in schema if b != "null"] or ["null"]
            return self.generate(rng.choice(options), depth + 1)
        if isinstance(schema, str):
            schema = {"type": schema}
        logical, kind = schema.get("logicalType"), schema.get("type")
        moment = _EPOCH + timedelta(milliseconds=rng.randint(0, 365 * 86_400_000))
        if logical in ("timestamp-millis", "local-timestamp-millis"):
            return moment if logical.startswith("timestamp") else moment.replace(tzinfo=None)
        if logical in ("timestamp-micros", "local-timestamp-micros"):
            moment += timedelta(microseconds=rng.randint(0, 999))
            return moment if logical.startswith("timestamp") else moment.replace(tzinfo=None)
        if logical == "date":
            return moment.date()
        if logical in ("time-millis", "time-micros"):
            return time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
        if logical == "uuid":
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if logical == "decimal":
            scale = int(schema.get("scale", 0))
            digits = max(1, int(schema["precision"]) - scale)
            unscaled = rng.randint(0, 10 ** min(digits + scale, 12) - 1)
            return Decimal(unscaled).scaleb(-scale)
        if kind in ("record", "error"):
            return {f["name"]: self.generate(f["type"], depth + 1) for f in schema["fields"]}
        if kind == "enum":
            return rng.choice(schema["symbols"])
        if kind == "array":
            return [self.generate(schema["items"], depth + 1) for _ in range(rng.randint(0, 2))]
        if kind == "map":
            return {
                f"k{i}": self.generate(schema["values"], depth + 1)
                for i in range(rng.randint(0, 2))
            }
        if kind == "fixed":
            return rng.randbytes(int(schema["size"]))
        return _primitive(str(kind), rng)


def _primitive(kind: str, rng: random.Random) -> Any:
    if kind == "null":
        return None
    if kind == "boolean":
        return rng.random() < 0.5
    if kind in ("int", "long"):
        # Positive and small: these are ids and counts far more often than anything else.
        return rng.randint(1, 1000)
    if kind in ("float", "double"):
        return round(rng.uniform(0, 1000), 2)
    if kind == "bytes":
        return rng.randbytes(rng.randint(1, 16))
    if kind == "string":
        words = [
            "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 8))) for _ in range(3)
        ]
        return " ".join(words).capitalize()
    raise ValueError(f"unknown Avro type {kind!r}")


def _parse_logical(logical: str, text: str, schema: Mapping[str, Any]) -> Any:
    if logical.startswith(("timestamp", "local-timestamp")):
        moment = datetime.fromisoformat(text)
        return moment if logical.startswith("timestamp") else moment.replace(tzinfo=None)
    if logical == "date":
        return date.fromisoformat(text)
    if logical.startswith("time-"):
        return time.fromisoformat(text)
    if logical == "decimal":
        return Decimal(text)
    return text
