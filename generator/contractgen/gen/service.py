"""Every generated file of one service, as {relative path: text}."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from contractgen.gen import events as ev
from contractgen.gen.connectors import CONNECTORS, connector_json
from contractgen.gen.naming import header, snake
from contractgen.gen.pytypes import JsonSchemaTypes, TypedDictModel, is_object
from contractgen.gen.render import render, typing_import
from contractgen.spec.asyncapi import Channel, Message
from contractgen.spec.documents import Documents
from contractgen.spec.openapi import Operation, schema_ref_name
from contractgen.spec.project import ServiceSpec


@dataclass(frozen=True)
class HandlerMethod:
    operation_id: str
    method: str
    signature: str
    returns: str
    doc: str
    status: int
    secured: bool
    route: str
    emits: tuple[str, ...]


def service_files(service: ServiceSpec, docs: Documents) -> dict[str, str]:
    name = service.name
    openapi_source = docs.display(service.openapi.path)
    files: dict[str, str] = {}
    types = JsonSchemaTypes(service.openapi.schemas)
    models = types.component_models()
    methods = [_method(op, types, models) for op in service.openapi.operations]
    interface = f"{service.class_prefix}Handlers"
    used = [f.type for m in models for f in m.fields]
    if any(not f.required for m in models for f in m.fields):
        used.append(" NotRequired")
    used.append(" TypedDict")

    files[f"{name}/__init__.py"] = render(
        "package_init.py.jinja2",
        header=header(openapi_source),
        doc=f"Generated code of the {name} service.",
    )
    files[f"{name}/models.py"] = render(
        "models.py.jinja2",
        header=header(openapi_source),
        service=name,
        models=models,
        typing_import=typing_import(used),
    )
    signature_types = [m.signature + " " + m.returns for m in methods]
    files[f"{name}/handlers.py"] = render(
        "handlers.py.jinja2",
        header=header(openapi_source),
        service=name,
        interface=interface,
        operations=methods,
        model_names=sorted({m.name for m in models if _mentions(signature_types, m.name)}),
        typing_import=typing_import(signature_types),
    )
    files[f"{name}/app.py"] = render(
        "app.py.jinja2", header=header(openapi_source), service=name, interface=interface
    )
    spec_text = service.openapi.path.read_text(encoding="utf-8")
    files[f"{name}/openapi.yaml"] = header(openapi_source) + spec_text.rstrip("\n") + "\n"

    asyncapi = service.asyncapi
    if asyncapi is not None:
        source = docs.display(asyncapi.path)
        sent = [(c, m) for c in asyncapi.channels for m in c.messages if m in asyncapi.sent]
        if sent:
            files.update(_event_files(service, source, sent))
        if asyncapi.received:
            files[f"{name}/consumer.py"] = _consumer(service, source, docs)
        files[f"{name}/EVENTS.md"] = _event_docs(service, source)
    return files


def _mentions(texts: list[str], name: str) -> bool:
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    return any(pattern.search(text) for text in texts)


def _method(op: Operation, types: JsonSchemaTypes, models: list[TypedDictModel]) -> HandlerMethod:
    params = ["self"]
    if op.secured:
        params.append("principal: Principal")
    ordered = sorted(op.parameters, key=lambda p: (p.location != "path", not p.required))
    required = [p for p in ordered if p.required]
    optional = [p for p in ordered if not p.required]
    params += [f"{p.python_name}: {types.type_of(p.schema)}" for p in required]
    if op.body_schema is not None:
        params.append(f"body: {_body_type(op, types)}")
    for p in optional:
        kind = types.type_of(p.schema)
        default = p.schema.get("default")
        params.append(
            f"{p.python_name}: {kind} = {default!r}"
            if default is not None
            else f"{p.python_name}: {kind} | None = None"
        )
    returns = types.type_of(op.success_schema) if op.success_schema is not None else "None"
    doc = f"{op.summary.rstrip('.') or op.operation_id} ({op.method.upper()} {op.path})"
    if op.emits:
        doc += f"; emits {', '.join(op.emits)}"
    return HandlerMethod(
        operation_id=op.operation_id,
        method=op.python_name,
        signature=", ".join(params),
        returns=returns,
        doc=doc + ".",
        status=op.success_status,
        secured=op.secured,
        route=f"{op.method.upper()} {op.path}",
        emits=op.emits,
    )


def _body_type(op: Operation, types: JsonSchemaTypes) -> str:
    schema = op.body_schema or {}
    if schema_ref_name(schema) is None and is_object(schema):
        return "dict[str, Any]"
    return types.type_of(schema)


def _event_files(
    service: ServiceSpec, source: str, sent: list[tuple[Channel, Message]]
) -> dict[str, str]:
    name = service.name
    files: dict[str, str] = {}
    classes = []
    for channel, message in sent:
        files[f"{name}/avro/{ev.avsc_name(message)}"] = ev.avsc_text(message)
        classes.append(ev.event_class(message, channel.address))
    field_types = " ".join(f.type for c in classes for f in c.fields)
    extra = [
        line
        for needle, line in (
            ("datetime", "from datetime import datetime"),
            ("date ", "from datetime import date"),
            ("UUID", "from uuid import UUID"),
            ("Decimal", "from decimal import Decimal"),
            ("Any", "from typing import Any"),
        )
        if needle in field_types + " "
    ]
    union = f"{service.class_prefix}Event"
    files[f"{name}/events.py"] = render(
        "events.py.jinja2",
        header=header(source),
        service=name,
        events=classes,
        union_name=union,
        extra_imports="\n".join(sorted(extra)) + "\n" if extra else "",
    )
    files[f"{name}/outbox.py"] = render(
        "outbox.py.jinja2",
        header=header(source),
        service=name,
        union_name=union,
        class_prefix=service.class_prefix,
    )
    for database in service.asyncapi.databases if service.asyncapi else ():
        connector = CONNECTORS[database](name)
        files[f"{name}/connect/{connector['name']}.json"] = connector_json(connector)
    return files


def _consumer(service: ServiceSpec, source: str, docs: Documents) -> str:
    assert service.asyncapi is not None
    subscriptions = []
    imports: dict[str, list[str]] = {}
    for channel, message in service.asyncapi.received:
        producer = Path(message.where.file).parent.name
        imports.setdefault(producer, []).append(message.name)
        operation = next(
            op.key
            for op in service.asyncapi.operations
            if op.channel is channel and message in op.messages
        )
        subscriptions.append(
            {
                "topic": channel.address,
                "event": message.name,
                "method": f"on_{snake(message.name)}",
                "operation": operation,
            }
        )
    return render(
        "consumer.py.jinja2",
        header=header(source),
        service=service.name,
        interface=f"{service.class_prefix}ConsumerHandlers",
        subscriptions=subscriptions,
        imports=sorted((module, sorted(set(names))) for module, names in imports.items()),
        topics=sorted({s["topic"] for s in subscriptions}),
    )


def _event_docs(service: ServiceSpec, source: str) -> str:
    assert service.asyncapi is not None
    asyncapi = service.asyncapi
    channels = []
    for channel in asyncapi.channels:
        roles = sorted({op.action for op in asyncapi.operations if op.channel is channel})
        messages = [
            {
                "name": m.name,
                "description": " ".join(m.description.split()),
                "full_name": m.full_name,
                "aggregate_field": m.aggregate_field,
                "fields": [
                    {
                        "name": f["name"],
                        "type": _avro_type_text(f["type"]),
                        "doc": " ".join(str(f.get("doc", "")).split()),
                    }
                    for f in m.avro["fields"]
                ],
            }
            for m in channel.messages
        ]
        channels.append(
            {
                "address": channel.address,
                "role": " and ".join("sent" if r == "send" else "received" for r in roles)
                or "declared",
                "description": " ".join(channel.description.split()),
                "messages": messages,
            }
        )
    return render(
        "EVENTS.md.jinja2",
        header_text=header(source, comment="").replace("\n", " ").strip(),
        title=asyncapi.title,
        channels=channels,
    )


def _avro_type_text(kind: object) -> str:
    if isinstance(kind, dict):
        return str(kind.get("logicalType") or kind.get("type"))
    if isinstance(kind, list):
        return " | ".join(_avro_type_text(k) for k in kind)
    return str(kind)
