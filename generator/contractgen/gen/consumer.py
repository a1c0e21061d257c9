"""The consumer side of a service's generated package: one handler method per received message."""

from __future__ import annotations

from pathlib import Path

from contractgen.gen.naming import header, snake
from contractgen.gen.render import render
from contractgen.spec.project import ServiceSpec


def consumer_file(service: ServiceSpec, source: str, package: str) -> str:
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
        package=package,
        service=service.name,
        interface=f"{service.class_prefix}ConsumerHandlers",
        subscriptions=subscriptions,
        imports=sorted((module, sorted(set(names))) for module, names in imports.items()),
        topics=sorted({s["topic"] for s in subscriptions}),
    )
