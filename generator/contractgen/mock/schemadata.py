"""Data valid against an OpenAPI (JSON) schema, for `Prefer: dynamic=true` and examples-less responses.

Small on purpose: the schemas of a contract are records of scalars, arrays and enums, so a walk
that honours types, bounds, lengths, formats and enums covers them. Hypothesis would cover more,
but it is a test dependency, not something a mock server should pull in. What it cannot satisfy
(a `pattern` none of its candidates match, `not`) is an error that asks for an example instead.
"""

from __future__ import annotations

import random
import re
import string
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

MAX_DEPTH = 12
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class CannotGenerate(ValueError):
    """The schema asks for something this generator cannot produce; the contract needs an example."""


def resolve(document: Mapping[str, Any], schema: Any) -> Any:
    """Follow local `$ref`s (`#/components/...`) until a schema that is not a reference."""
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema:
        target: Any = document
        for part in str(schema["$ref"]).partition("#")[2].strip("/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        schema, seen = target, seen + 1
        if seen > 64:
            raise CannotGenerate(f"$ref loop at {schema!r}")
    return schema


class SchemaData:
    """Generates values for the schemas of one OpenAPI document."""

    def __init__(self, document: Mapping[str, Any], rng: random.Random | None = None) -> None:
        self.document = document
        self.rng = rng or random.Random()

    def value(self, schema: Any, depth: int = 0) -> Any:
        schema = resolve(self.document, schema)
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return None
        if "enum" in schema:
            return self.rng.choice(schema["enum"])
        if "const" in schema:
            return schema["const"]
        if "example" in schema and depth > 0:
            # A schema's own example is the contract author's idea of a realistic value.
            return schema["example"]
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = self.value(part, depth + 1)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self.value(self.rng.choice(schema[key]), depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "string"
        maker = getattr(self, f"_{kind}", None)
        if maker is None:
            raise CannotGenerate(f"no generator for type {kind!r}")
        return maker(schema, depth)

    def _null(self, schema: dict[str, Any], depth: int) -> None:
        return None

    def _boolean(self, schema: dict[str, Any], depth: int) -> bool:
        return self.rng.random() < 0.5

    def _integer(self, schema: dict[str, Any], depth: int) -> int:
        low = int(schema.get("minimum", 0 if "maximum" not in schema else schema["maximum"] - 1000))
        high = int(schema.get("maximum", low + 1000))
        if schema.get("exclusiveMinimum") is True:
            low += 1
        if schema.get("exclusiveMaximum") is True:
            high -= 1
        # Small, readable numbers near the lower bound (an int64 id of 10^18 helps nobody).
        value = self.rng.randint(low, min(high, low + 1000))
        step = schema.get("multipleOf")
        if isinstance(step, int) and step > 0:
            value = min(high, -(-value // step) * step)
        return value

    def _number(self, schema: dict[str, Any], depth: int) -> float:
        low = float(schema.get("minimum", 0))
        high = float(schema.get("maximum", low + 1000))
        return round(self.rng.uniform(low, min(high, low + 1000)), 2)

    def _string(self, schema: dict[str, Any], depth: int) -> str:
        fmt = schema.get("format")
        moment = _EPOCH + timedelta(seconds=self.rng.randint(0, 365 * 86400))
        formatted = {
            "date-time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "date": moment.date().isoformat(),
            "uuid": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "email": f"user{self.rng.randint(1, 9999)}@example.com",
            "uri": f"https://example.com/{self.rng.randint(1, 9999)}",
        }.get(str(fmt))
        if formatted is not None:
            return formatted
        low = int(schema.get("minLength", 1))
        high = int(schema.get("maxLength", max(low, 24)))
        pattern = schema.get("pattern")
        for _ in range(200):
            length = self.rng.randint(low, max(low, min(high, low + 20)))
            text = "".join(self.rng.choice(string.ascii_lowercase) for _ in range(length))
            if pattern is None or re.search(pattern, text):
                return text
        raise CannotGenerate(f"no string of length {low}..{high} matching {pattern!r}")

    def _array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        low = int(schema.get("minItems", 1))
        high = int(schema.get("maxItems", max(low, 3)))
        count = self.rng.randint(low, max(low, min(high, low + 2)))
        values = [self.value(schema.get("items", {}), depth + 1) for _ in range(count)]
        if schema.get("uniqueItems"):
            values = [v for i, v in enumerate(values) if v not in values[:i]]
        return values

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        result = {}
        for name, sub in properties.items():
            resolved = resolve(self.document, sub)
            if name in required or (not resolved.get("readOnly") and self.rng.random() < 0.8):
                result[name] = self.value(sub, depth + 1)
        return result


def iso_datetime(value: datetime | date) -> str:
    """How generated and stored timestamps are written in JSON (RFC 3339, UTC, `Z`)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()
