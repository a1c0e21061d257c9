"""The event side of a service's generated package: for the messages it sends, one `.avsc` and
one event class each, the outbox, and its connectors' configs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from contractgen.gen.connectors import CONNECTORS, connector_json
from contractgen.gen.naming import header, snake
from contractgen.gen.pytypes import Import, PyType, avro_type, import_lines
from contractgen.gen.render import render
from contractgen.spec.asyncapi import DEFAULT_COMPATIBILITY, Channel, Message
from contractgen.spec.project import ServiceSpec


@dataclass(frozen=True)
class EventField:
    attr: str
    avro: str
    type: PyType
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
    compatibility: str


def avsc_name(message: Message) -> str:
    return f"{message.full_name}.avsc"


def avsc_text(message: Message) -> str:
    """The message's Avro schema with the message description as its `doc` when it has none."""
    schema: dict[str, Any] = dict(message.avro)
    if not schema.get("doc") and message.description:
        schema["doc"] = message.description.strip()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def event_class(message: Message, channel: Channel) -> EventClass:
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
    # The message's own mode, else its channel's: what the registry enforces on its subject.
    mode = message.compatibility or channel.compatibility or DEFAULT_COMPATIBILITY
    return EventClass(
        message.name, doc, channel.address, aggregate, avsc_name(message), fields, mode
    )


def event_files(
    service: ServiceSpec, source: str, sent: list[tuple[Channel, Message]], package: str
) -> dict[str, str]:
    name = service.name
    files: dict[str, str] = {}
    classes = []
    for channel, message in sent:
        files[f"{name}/avro/{avsc_name(message)}"] = avsc_text(message)
        classes.append(event_class(message, channel))
    imports: set[Import] = {Import("contractgen.runtime.avro", "Event")}
    for cls in classes:
        imports.update(*(f.type.imports for f in cls.fields))
    union = f"{service.class_prefix}Event"
    files[f"{name}/events.py"] = render(
        "events.py.jinja2",
        header=header(source),
        package=package,
        service=name,
        events=classes,
        union_name=union,
        imports=import_lines(imports),
    )
    files[f"{name}/outbox.py"] = render(
        "outbox.py.jinja2",
        header=header(source),
        package=package,
        service=name,
        union_name=union,
        class_prefix=service.class_prefix,
    )
    for database in service.asyncapi.databases if service.asyncapi else ():
        connector = CONNECTORS[database](name)
        files[f"{name}/connect/{connector['name']}.json"] = connector_json(connector)
    return files
