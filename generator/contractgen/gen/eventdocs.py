"""A service's EVENTS.md: its channels and the Avro fields of their messages, as a table."""

from __future__ import annotations

from contractgen.gen.naming import header
from contractgen.gen.render import render
from contractgen.spec.project import ServiceSpec


def event_docs(service: ServiceSpec, source: str) -> str:
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
