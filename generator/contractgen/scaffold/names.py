"""The names a new service's files use, computed once from the service's name."""

from __future__ import annotations

import re
from dataclasses import dataclass

import inflection

SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


@dataclass(frozen=True)
class ServiceNames:
    service: str
    """`notes`: folder, package and database name."""
    project: str
    """The project's name (contractgen.toml), used in topic addresses."""
    port: int

    @property
    def singular(self) -> str:
        """`note`: the resource a new service starts with."""
        return str(inflection.singularize(self.service))

    @property
    def plural(self) -> str:
        """`notes`: its collection's path."""
        return str(inflection.pluralize(self.singular))

    @property
    def resource(self) -> str:
        """`Note`: schema and message names."""
        return str(inflection.camelize(self.singular))

    @property
    def resource_id(self) -> str:
        """`noteId`: the path parameter and the event's key field."""
        return str(inflection.camelize(self.singular, False)) + "Id"

    @property
    def interface(self) -> str:
        """`NotesHandlers`: the generated handler interface."""
        return "".join(part.capitalize() for part in self.service.split("_")) + "Handlers"

    @property
    def title(self) -> str:
        return self.service.replace("_", " ").capitalize()

    @property
    def avro_namespace(self) -> str:
        return f"{self.project.replace('-', '_')}.{self.service}.events"

    @property
    def topic(self) -> str:
        return f"{self.project}.{self.service}.events"

    @property
    def channel(self) -> str:
        return f"{inflection.camelize(self.singular, False)}Events"
