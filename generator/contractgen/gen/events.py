"""Avro schemas, event classes and event docs for the messages a service sends."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from contractgen.gen.naming import snake
from contractgen.gen.pytypes import avro_type
from contractgen.spec.asyncapi import Message


@dataclass(frozen=True)
class EventField:
    attr: str
    avro: str
    type: str
    doc: str
    optional: bool


@dataclass(frozen=True)
class EventClass:
    name: str
    doc: str
    topic: str
    aggregate_attr: str
    avsc: str
    fields: tuple[EventField, ...]


def avsc_name(message: Message) -> str:
    return f"{message.full_name}.avsc"


def avsc_text(message: Message) -> str:
    """The message's Avro schema with the message description as its `doc` when it has none."""
    schema: dict[str, Any] = dict(message.avro)
    if not schema.get("doc") and message.description:
        schema["doc"] = message.description.strip()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def event_class(message: Message, topic: str) -> EventClass:
    fields = tuple(
        EventField(
            attr=snake(f["name"]),
            avro=f["name"],
            type=avro_type(f["type"]),
            doc=" ".join(str(f.get("doc", "")).split()),
            optional=isinstance(f["type"], list) and "null" in f["type"],
        )
        for f in message.avro["fields"]
    )
    aggregate = next(f.attr for f in fields if f.avro == message.aggregate_field)
    doc = " ".join((message.avro.get("doc") or message.description or message.title).split())
    return EventClass(message.name, doc, topic, aggregate, avsc_name(message), fields)
