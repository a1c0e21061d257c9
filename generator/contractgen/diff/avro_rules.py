"""Avro rules: each message's payload checked old against new under its declared mode.

The modes are Schema Registry's: BACKWARD means the new schema reads what the old wrote, FORWARD
that the old reads what the new writes, FULL both; a *_TRANSITIVE mode checks every past version
of the schema instead of the baseline's only. The checks are the Apache `avro` package's
ReaderWriterCompatibilityChecker, the same rules the registries apply at registration."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import avro.compatibility
import avro.schema

from contractgen.diff.findings import CODE, SAFE, WIRE, Findings
from contractgen.spec.asyncapi import DEFAULT_COMPATIBILITY, AsyncApiSpec, Channel, Message
from contractgen.spec.documents import Documents
from contractgen.spec.errors import Location

History = Callable[[str, str], list[tuple[str, dict[str, Any]]]]
"""(file, pointer of a message's payload schema) -> [(commit, schema)] of its past versions."""


@dataclass(frozen=True)
class Payload:
    message: Message
    mode: str
    schema: dict[str, Any]
    where: Location
    """Where the payload's Avro schema lies (a `$ref` followed)."""


def payloads(spec: AsyncApiSpec, docs: Documents) -> dict[tuple[str, str], Payload]:
    """Each message once, by its defining file and name, with its effective mode: the message's
    own `x-compatibility`, else its channel's, else BACKWARD."""
    found: dict[tuple[str, str], Payload] = {}
    for channel in spec.channels:
        for message in channel.messages:
            key = (message.where.file, message.name)
            if key not in found:
                found[key] = Payload(
                    message, _mode(message, channel), message.avro, _schema_at(docs, message)
                )
    return found


def _mode(message: Message, channel: Channel) -> str:
    return message.compatibility or channel.compatibility or DEFAULT_COMPATIBILITY


def _schema_at(docs: Documents, message: Message) -> Location:
    node = docs.walk(
        docs.root / message.where.file, message.where.pointer + "/payload/schema", message.where
    )
    return docs.deref(node).where


def compare_avro(out: Findings, before: Payload, after: Payload, history: History | None) -> None:
    name = after.message.name
    if before.mode != after.mode:
        out.add(
            after.message.where.child("x-compatibility"),
            "avro.compatibility.changed",
            SAFE,
            f"{name}: compatibility mode {before.mode} -> {after.mode}",
        )
    _event_fields(out, before, after)
    if before.schema == after.schema:
        return
    mode = after.mode
    if mode == "NONE":
        out.add(
            after.where, "avro.schema.changed", SAFE, f"{name}: schema changed; its mode is NONE"
        )
        return
    versions: list[tuple[str, dict[str, Any]]] = [("the baseline", before.schema)]
    if mode.endswith("_TRANSITIVE") and history is not None:
        seen = [json.dumps(before.schema, sort_keys=True)]
        for commit, schema in history(
            after.message.where.file, after.message.where.pointer + "/payload/schema"
        ):
            text = json.dumps(schema, sort_keys=True)
            if text not in seen:
                seen.append(text)
                versions.append((f"version {commit[:12]}", schema))
    new = _parse(after.schema)
    for label, schema in versions:
        old = _parse(schema)
        if old is None or new is None:
            continue
        for reader_is_new in _directions(mode):
            reader, writer = (new, old) if reader_is_new else (old, new)
            result = _check(reader, writer)
            if result.compatibility is avro.compatibility.SchemaCompatibilityType.compatible:
                continue
            # The checker also lists the enclosing record ("/"); the deepest place is the field.
            location = max(sorted(result.locations), key=len, default="/")
            pointer = _pointer(
                location, schema if not reader_is_new else after.schema, after.schema
            )
            where = (
                Location(after.where.file, after.where.pointer + pointer)
                if pointer is not None
                else Location(before.where.file, before.where.pointer + location.rstrip("/"))
            )
            kinds = ", ".join(sorted(i.value for i in result.incompatibilities))
            what = ", ".join(sorted(str(m) for m in result.messages))
            direction = (
                f"the new schema cannot read data written with {label}'s"
                if reader_is_new
                else f"readers on {label}'s schema cannot read data written with the new one"
            )
            out.add(
                where,
                "avro.incompatible",
                WIRE,
                f"{name} under {mode}: {direction} ({kinds}: {what})",
            )
            return
    out.add(
        after.where,
        "avro.schema.compatible",
        SAFE,
        f"{name}: schema changed, compatible under {mode}",
    )


def _check(reader: avro.schema.Schema, writer: avro.schema.Schema) -> Any:
    checker = avro.compatibility.ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call]
    return checker.get_compatibility(reader, writer)


def _directions(mode: str) -> tuple[bool, ...]:
    base = mode.removesuffix("_TRANSITIVE")
    return {"BACKWARD": (True,), "FORWARD": (False,), "FULL": (True, False)}.get(base, ())


def _parse(schema: dict[str, Any]) -> avro.schema.Schema | None:
    try:
        return avro.schema.parse(json.dumps(schema))
    except Exception:  # an old version the avro package cannot read is not a finding
        return None


def _pointer(location: str, reader: dict[str, Any], target: dict[str, Any]) -> str | None:
    """A location in the reader's schema (`/fields/5`) as a pointer into the new schema, matching
    record fields by name: a field of the old schema is shown where it is now."""
    tokens = [t for t in location.split("/") if t]
    steps = []
    here_r: Any = reader
    here_t: Any = target
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "fields" and index + 1 < len(tokens) and isinstance(here_r, dict):
            position = int(tokens[index + 1])
            fields_r, fields_t = (
                here_r.get("fields", []),
                here_t.get("fields", []) if isinstance(here_t, dict) else [],
            )
            if position >= len(fields_r):
                return None
            wanted = fields_r[position].get("name")
            names = [f.get("name") for f in fields_t]
            if wanted not in names:
                return None
            here_r, here_t = fields_r[position], fields_t[names.index(wanted)]
            steps += ["fields", str(names.index(wanted))]
            index += 2
            continue
        key: Any = int(token) if token.isdigit() else token
        try:
            here_r, here_t = here_r[key], here_t[key]
        except (KeyError, IndexError, TypeError):
            return "/" + "/".join(steps) if steps else ""
        steps.append(token)
        index += 1
    return "/" + "/".join(steps) if steps else ""


def _event_fields(out: Findings, before: Payload, after: Payload) -> None:
    """The generated event class has one attribute per field: a field gone (or renamed) breaks
    the code that builds or reads the event, even where the wire stays compatible."""
    new_names = {f.get("name") for f in after.schema.get("fields", [])}
    for position, field in enumerate(before.schema.get("fields", [])):
        if field.get("name") not in new_names:
            out.add(
                Location(before.where.file, f"{before.where.pointer}/fields/{position}"),
                "code.event.field-removed",
                CODE,
                f"{after.message.name}.{field.get('name')} is gone from the generated event class",
            )
