"""A new service's contracts and hand-written skeleton, as files to create."""

from __future__ import annotations

from pathlib import Path

from contractgen.config import ProjectConfig
from contractgen.gen.naming import snake
from contractgen.scaffold.names import ServiceNames
from contractgen.scaffold.writer import Scaffold
from contractgen.spec.project import Project


class ScaffoldError(ValueError):
    """The service cannot be added as asked; the message says why."""


def next_port(project: Project | None, first: int = 8001) -> int:
    """One above the highest `x-port` of the project's services."""
    ports = [s.openapi.port for s in project.services if s.openapi.port] if project else []
    return max(ports, default=first - 1) + 1


def service_scaffold(
    config: ProjectConfig, names: ServiceNames, project: Project | None, consumes: str | None
) -> Scaffold:
    specs = f"{config.specs}/{names.service}"
    code = f"{config.services.replace('.', '/')}/{names.service}"
    context = {
        **{key: getattr(names, key) for key in _NAME_FIELDS},
        "generated": config.generated,
        "services": config.services,
        "outbox_class": names.interface.removesuffix("Handlers") + "Outbox",
        "resource_attr": snake(names.resource_id),
        "resource_arg": snake(names.resource_id),
    }
    scaffold = Scaffold(config.root, context)
    kind = "service"
    if consumes is not None:
        kind = "consumer"
        context.update(_consumed(project, consumes))
        context["consumer_interface"] = names.interface.removesuffix("Handlers") + (
            "ConsumerHandlers"
        )
    scaffold.add(f"{specs}/openapi.yaml", f"{kind}/openapi.yaml.jinja2")
    scaffold.add(f"{specs}/asyncapi.yaml", f"{kind}/asyncapi.yaml.jinja2")
    scaffold.add(f"{code}/__init__.py", "service/init.py.jinja2")
    scaffold.add(f"{code}/bootstrap.py", f"{kind}/bootstrap.py.jinja2")
    scaffold.add(f"{code}/tables.py", f"{kind}/tables.py.jinja2")
    scaffold.add(f"{code}/handlers.py", f"{kind}/handlers.py.jinja2")
    scaffold.add(f"{code}/migrations/0001_initial.py", f"{kind}/0001_initial.py.jinja2")
    return scaffold


_NAME_FIELDS = (
    "service",
    "project",
    "port",
    "singular",
    "plural",
    "resource",
    "resource_id",
    "interface",
    "title",
    "avro_namespace",
    "topic",
    "channel",
)


def _consumed(project: Project | None, producer: str) -> dict[str, object]:
    """The channels and messages `producer` sends, for a consumer of all of them."""
    service = next((s for s in project.services if s.name == producer), None) if project else None
    if service is None or service.asyncapi is None or not service.asyncapi.sent:
        raise ScaffoldError(f"there is no service {producer!r} that sends events to consume")
    sent = set(service.asyncapi.sent)
    channels = [
        {"key": c.key, "messages": [m.name for m in c.messages if m in sent]}
        for c in service.asyncapi.channels
        if any(m in sent for m in c.messages)
    ]
    messages = [name for channel in channels for name in channel["messages"]]
    return {
        "producer": producer,
        "channels": channels,
        "imports": [(producer, sorted(messages))],
        "handlers": [(f"on_{snake(name)}", name) for name in messages],
    }


def project_files(root: Path) -> dict[str, str]:
    """The files of a new project (beside its first service): {relative path: template}."""
    return {
        "contractgen.toml": "project/contractgen.toml.jinja2",
        "README.md": "project/README.md.jinja2",
        ".gitignore": "project/gitignore.jinja2",
    }
