"""Avro types as a reader wants to see them: logical types by their meaning, optional fields
(a union with null) said so, defaults as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# What a logical type means, shown next to the underlying Avro type.
_LOGICAL = {
    "timestamp-millis": "timestamp (ms since epoch, UTC)",
    "timestamp-micros": "timestamp (µs since epoch, UTC)",
    "local-timestamp-millis": "local timestamp (ms)",
    "local-timestamp-micros": "local timestamp (µs)",
    "date": "date (days since epoch)",
    "time-millis": "time of day (ms)",
    "time-micros": "time of day (µs)",
    "uuid": "UUID",
    "duration": "duration",
}


@dataclass(frozen=True)
class AvroField:
    name: str
    type_label: str
    avro_type: str
    optional: bool
    has_default: bool
    default: str
    doc: str


def fields(record: dict[str, Any]) -> tuple[AvroField, ...]:
    """Every field of a record schema, in declaration order (the order Avro encodes them)."""
    return tuple(_field(entry) for entry in record.get("fields", []))


def _field(entry: dict[str, Any]) -> AvroField:
    kind = entry["type"]
    branches = kind if isinstance(kind, list) else [kind]
    optional = "null" in branches and len(branches) > 1
    shown = [b for b in branches if b != "null"] if optional else branches
    label = " | ".join(type_label(b) for b in shown)
    return AvroField(
        name=str(entry["name"]),
        type_label=label,
        avro_type=json.dumps(kind, sort_keys=True),
        optional=optional,
        has_default="default" in entry,
        default=json.dumps(entry["default"]) if "default" in entry else "",
        doc=str(entry.get("doc", "")),
    )


def type_label(kind: Any) -> str:
    """`timestamp (ms since epoch, UTC)`, `decimal(10, 2)`, `array<string>`, `enum Color {..}`."""
    if isinstance(kind, str):
        return kind
    if isinstance(kind, list):
        return " | ".join(type_label(branch) for branch in kind)
    if not isinstance(kind, dict):
        return json.dumps(kind)
    logical = kind.get("logicalType")
    base = kind.get("type")
    if logical == "decimal":
        return f"decimal({kind.get('precision', '?')}, {kind.get('scale', 0)}) as {base}"
    if logical in _LOGICAL:
        return f"{_LOGICAL[logical]} as {base}"
    if base == "array":
        return f"array<{type_label(kind.get('items'))}>"
    if base == "map":
        return f"map<string, {type_label(kind.get('values'))}>"
    if base == "enum":
        return f"enum {kind.get('name', '')} {{{', '.join(kind.get('symbols', []))}}}"
    if base == "fixed":
        return f"fixed {kind.get('name', '')}[{kind.get('size', '?')}]"
    if base == "record":
        inner = ", ".join(f"{f['name']}: {type_label(f['type'])}" for f in kind.get("fields", []))
        return f"record {kind.get('name', '')} {{{inner}}}"
    return type_label(base)


def field_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What changed between two versions of a record, field by field, in words."""
    if old is None:
        return [f"introduced with {len(new.get('fields', []))} field(s)"]
    before = {f.name: f for f in fields(old)}
    after = {f.name: f for f in fields(new)}
    changes = [f"added {name}: {after[name].type_label}" for name in after if name not in before]
    changes += [f"removed {name}" for name in before if name not in after]
    for name in after:
        if name not in before:
            continue
        was, now = before[name], after[name]
        if was.avro_type != now.avro_type:
            changes.append(f"{name}: {was.type_label} -> {now.type_label}")
        if (was.has_default, was.default) != (now.has_default, now.default):
            changes.append(f"{name}: default {was.default or 'none'} -> {now.default or 'none'}")
        if was.doc != now.doc:
            changes.append(f"{name}: doc changed")
    if not changes and json.dumps(old, sort_keys=True) != json.dumps(new, sort_keys=True):
        changes.append("record attributes changed (name, namespace, doc or order)")
    return changes
