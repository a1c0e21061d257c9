"""Every generated file of one service, as {relative path: text}: the REST side, the events it
sends, the consumer of those it receives, and its event docs (one module each)."""

from __future__ import annotations

from contractgen.gen.consumer import consumer_file
from contractgen.gen.eventdocs import event_docs
from contractgen.gen.events import event_files
from contractgen.gen.rest import rest_files
from contractgen.spec.documents import Documents
from contractgen.spec.project import ServiceSpec


def service_files(service: ServiceSpec, docs: Documents, package: str) -> dict[str, str]:
    """`package`: the Python package the generated code lives in (the project's configuration)."""
    files = rest_files(service, docs, package)
    asyncapi = service.asyncapi
    if asyncapi is not None:
        source = docs.display(asyncapi.path)
        sent = [(c, m) for c in asyncapi.channels for m in c.messages if m in asyncapi.sent]
        if sent:
            files.update(event_files(service, source, sent, package))
        if asyncapi.received:
            files[f"{service.name}/consumer.py"] = consumer_file(service, source, package)
        files[f"{service.name}/EVENTS.md"] = event_docs(service, source)
    return files
