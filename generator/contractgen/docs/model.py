"""What the portal shows, computed from the loaded project: services with their operations and
the events each emits, channels with their producers and consumers, messages with their fields,
senders, receivers and history. Templates only print it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contractgen.docs.avro import AvroField, fields
from contractgen.docs.history import Version, schema_history
from contractgen.docs.rest import Document, RestOperation, SchemaRow, pretty
from contractgen.spec.asyncapi import Channel, Message
from contractgen.spec.errors import Location
from contractgen.spec.project import Project, ServiceSpec

DEFAULT_COMPATIBILITY = "BACKWARD (default)"


@dataclass(frozen=True)
class Link:
    label: str
    page: str
    detail: str = ""


@dataclass(frozen=True)
class OperationDoc:
    rest: RestOperation
    anchor: str
    emits: tuple[Link, ...]


@dataclass(frozen=True)
class ServiceDoc:
    name: str
    title: str
    version: str
    description: str
    page: str
    port: int | None
    operations: tuple[OperationDoc, ...]
    schemas: tuple[tuple[str, tuple[SchemaRow, ...]], ...]
    sends: tuple[Link, ...]
    receives: tuple[Link, ...]


@dataclass(frozen=True)
class ChannelDoc:
    address: str
    title: str
    description: str
    page: str
    partitions: int
    keys: tuple[str, ...]
    compatibility: str
    producers: tuple[Link, ...]
    consumers: tuple[Link, ...]
    messages: tuple[Link, ...]


@dataclass(frozen=True)
class MessageDoc:
    name: str
    full_name: str
    title: str
    description: str
    page: str
    defined_in: str
    key: str
    compatibility: str
    fields: tuple[AvroField, ...]
    examples: tuple[str, ...]
    channels: tuple[Link, ...]
    emitted_by: tuple[Link, ...]
    received_by: tuple[Link, ...]
    history: tuple[Version, ...]
    schema_json: str


@dataclass(frozen=True)
class Site:
    title: str
    services: tuple[ServiceDoc, ...]
    channels: tuple[ChannelDoc, ...]
    messages: tuple[MessageDoc, ...]


def page_name(kind: str, name: str) -> str:
    return f"{kind}-{re.sub(r'[^A-Za-z0-9._-]', '_', name)}.html"


def build_site(project: Project, title: str, history: bool = True) -> Site:
    raw = _Raw(project)
    messages: dict[str, tuple[Message, Channel]] = {}
    channels: dict[str, Channel] = {}
    producers: dict[str, set[str]] = {}
    consumers: dict[str, set[str]] = {}
    emitted: dict[str, list[Link]] = {}
    received: dict[str, set[str]] = {}
    for service in project.services:
        spec = service.asyncapi
        if spec is None:
            continue
        for channel in spec.channels:
            channels.setdefault(channel.address, channel)
            for message in channel.messages:
                messages.setdefault(message.full_name, (message, channel))
        for op in spec.operations:
            side = producers if op.action == "send" else consumers
            side.setdefault(op.channel.address, set()).add(service.name)
        for _, message in spec.received:
            received.setdefault(message.full_name, set()).add(service.name)
        sent = {m.name: m.full_name for m in spec.sent}
        for operation in service.openapi.operations:
            for name in operation.emits:
                link = Link(
                    f"{service.name}.{operation.operation_id}",
                    f"{page_name('service', service.name)}#op-{operation.operation_id}",
                    f"{operation.method.upper()} {operation.path}",
                )
                emitted.setdefault(sent[name], []).append(link)

    def service_links(names: set[str]) -> tuple[Link, ...]:
        return tuple(Link(n, page_name("service", n)) for n in sorted(names))

    def message_link(message: Message) -> Link:
        return Link(message.name, page_name("message", message.full_name), message.full_name)

    channel_docs = []
    for address in sorted(channels):
        channel = channels[address]
        spec_value = raw.value(channel.where)
        channel_docs.append(
            ChannelDoc(
                address=address,
                title=str(spec_value.get("title", channel.key)),
                description=channel.description,
                page=page_name("channel", address),
                partitions=channel.partitions,
                keys=tuple(
                    sorted({raw.key_text(m) for m in channel.messages if m.aggregate_field})
                ),
                compatibility=channel.compatibility or DEFAULT_COMPATIBILITY,
                producers=service_links(producers.get(address, set())),
                consumers=service_links(consumers.get(address, set())),
                messages=tuple(message_link(m) for m in channel.messages),
            )
        )
    message_docs = []
    for full_name in sorted(messages):
        message, channel = messages[full_name]
        spec_value = raw.value(message.where)
        declared = message.compatibility or channel.compatibility
        carried_by = sorted(
            a for a, c in channels.items() if full_name in {m.full_name for m in c.messages}
        )
        message_docs.append(
            MessageDoc(
                name=message.name,
                full_name=full_name,
                title=message.title,
                description=message.description,
                page=page_name("message", full_name),
                defined_in=str(message.where),
                key=raw.key_text(message),
                compatibility=declared or DEFAULT_COMPATIBILITY,
                fields=fields(message.avro),
                examples=tuple(pretty(example) for example in message.examples),
                channels=tuple(Link(a, page_name("channel", a)) for a in carried_by),
                emitted_by=tuple(sorted(emitted.get(full_name, []), key=lambda k: k.label)),
                received_by=service_links(received.get(full_name, set())),
                history=raw.history(message) if history else (),
                schema_json=pretty(message.avro),
            )
        )
    service_docs = tuple(_service(s, message_link) for s in project.services)
    return Site(title, service_docs, tuple(channel_docs), tuple(message_docs))


def _service(service: ServiceSpec, message_link: Callable[[Message], Link]) -> ServiceDoc:
    document = Document(service.openapi.document)
    info = service.openapi.document.get("info", {})
    sent = {m.name: m for m in service.asyncapi.sent} if service.asyncapi else {}
    operations = tuple(
        OperationDoc(
            rest,
            f"op-{rest.operation_id}",
            tuple(message_link(sent[name]) for name in _emits(service, rest) if name in sent),
        )
        for rest in document.operations()
    )
    sends: set[str] = set()
    receives: set[str] = set()
    for op in service.asyncapi.operations if service.asyncapi else ():
        (sends if op.action == "send" else receives).add(op.channel.address)
    return ServiceDoc(
        name=service.name,
        title=service.openapi.title,
        version=str(info.get("version", "")),
        description=str(info.get("description", "")),
        page=page_name("service", service.name),
        port=service.openapi.port,
        operations=operations,
        schemas=tuple(document.component_schemas()),
        sends=tuple(Link(a, page_name("channel", a)) for a in sorted(sends)),
        receives=tuple(Link(a, page_name("channel", a)) for a in sorted(receives)),
    )


def _emits(service: ServiceSpec, rest: RestOperation) -> tuple[str, ...]:
    for operation in service.openapi.operations:
        if operation.operation_id == rest.operation_id:
            return operation.emits
    return ()


class _Raw:
    """The contracts' own text behind the loaded objects, for what the spec model does not keep
    (titles, Kafka key bindings, `x-compatibility`)."""

    def __init__(self, project: Project) -> None:
        self.docs = project.docs

    def path(self, where: Location) -> Path:
        return Path(self.docs.root, where.file)

    def value(self, where: Location) -> dict[str, Any]:
        node = self.docs.deref(self.docs.walk(self.path(where), where.pointer, where))
        return node.value if isinstance(node.value, dict) else {}

    def key_text(self, message: Message) -> str:
        binding = self.value(message.where).get("bindings", {}).get("kafka", {}).get("key", {})
        described = binding.get("description", "") if isinstance(binding, dict) else ""
        return f"{message.aggregate_field}" + (f" ({described})" if described else "")

    def history(self, message: Message) -> tuple[Version, ...]:
        return schema_history(self.path(message.where), message.where.pointer)
