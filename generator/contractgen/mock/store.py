"""The mock's memory: which paths are collections of resources, and what was created in them.

A collection is a path with a POST whose item path is the same path plus one `{param}` segment
(`/things` and `/things/{thingId}`); the resource's id is the item schema's `id` property, or
the property named like the item parameter. Everything else is answered from examples only.
Resources live in memory, per concrete collection path (`/parents/1/things` and
`/parents/2/things` are separate), until the mock stops.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contractgen.mock.schemadata import resolve
from contractgen.spec.openapi import Operation, Parameter

MAX_RESOURCES = 10_000
"""Bounds the mock's memory: beyond this, creating answers 507 (a mock is not a database)."""


@dataclass(frozen=True)
class Collection:
    path: str
    """The collection's path template, e.g. `/parents/{parentId}/things`."""
    item_parameter: Parameter
    """The item path's last parameter (`thingId`)."""
    id_field: str
    """The property of a resource that holds its id."""
    scope: tuple[Parameter, ...]
    """The collection path's own parameters: they select one concrete collection."""

    def key(self, arguments: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(arguments[p.python_name] for p in self.scope)


@dataclass(frozen=True)
class Role:
    """What an operation does to the memory: `create`, `list`, `read`, `replace`, `delete`, or
    `example` (answered from the contract alone)."""

    kind: str
    collection: Collection | None = None


def classify(document: Mapping[str, Any], operations: Iterable[Operation]) -> dict[str, Role]:
    """The role of every operation, by operationId."""
    operations = list(operations)
    by_path: dict[str, dict[str, Operation]] = {}
    for op in operations:
        by_path.setdefault(op.path, {})[op.method] = op
    collections: dict[str, Collection] = {}
    for path, methods in by_path.items():
        if "post" not in methods:
            continue
        for item_path, item_methods in by_path.items():
            head, _, last = item_path.rpartition("/")
            if head != path or not (last.startswith("{") and last.endswith("}")):
                continue
            collection = _collection(document, methods["post"], item_methods, last[1:-1])
            if collection is not None:
                collections[path] = collection
                collections[item_path] = collection
    roles = {}
    for op in operations:
        collection = collections.get(op.path)
        kind = "example"
        if collection is not None and op.path == collection.path:
            kind = {"post": "create", "get": "list"}.get(op.method, "example")
        elif collection is not None:
            kind = {"get": "read", "put": "replace", "patch": "replace", "delete": "delete"}.get(
                op.method, "example"
            )
        roles[op.operation_id] = Role(kind, collection if kind != "example" else None)
    return roles


def _collection(
    document: Mapping[str, Any],
    create: Operation,
    item_methods: Mapping[str, Operation],
    item_name: str,
) -> Collection | None:
    read = item_methods.get("get")
    if read is None:
        return None
    parameter = next((p for p in read.parameters if p.name == item_name), None)
    schema = resolve(document, read.success_schema)
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    id_field = next((name for name in ("id", item_name) if name in properties), None)
    if parameter is None or id_field is None:
        return None
    scope = tuple(p for p in create.parameters if p.location == "path")
    return Collection(create.path, parameter, id_field, scope)


@dataclass
class Store:
    """Resources by collection and concrete collection path, in creation order."""

    items: dict[tuple[str, tuple[Any, ...]], dict[Any, dict[str, Any]]] = field(
        default_factory=dict
    )
    _counters: dict[str, itertools.count[int]] = field(default_factory=dict)
    _first_id: dict[str, int] = field(default_factory=dict)

    def seed(self, collection: Collection, key: tuple[Any, ...], resource: dict[str, Any]) -> None:
        """A resource from the contract's examples, there before any request."""
        resource_id = resource[collection.id_field]
        self.items.setdefault((collection.path, key), {})[resource_id] = dict(resource)
        if isinstance(resource_id, int):
            self._first_id[collection.path] = max(
                self._first_id.get(collection.path, 1), resource_id + 1
            )

    def new_id(self, collection: Collection) -> Any:
        schema = collection.item_parameter.schema
        if schema.get("type") == "string" and schema.get("format") == "uuid":
            return str(uuid.uuid4())
        counter = self._counters.setdefault(
            collection.path, itertools.count(self._first_id.get(collection.path, 1))
        )
        value = next(counter)
        return value if schema.get("type") == "integer" else str(value)

    def count(self) -> int:
        return sum(len(items) for items in self.items.values())

    def all(self, collection: Collection, key: tuple[Any, ...]) -> list[dict[str, Any]]:
        return list(self.items.get((collection.path, key), {}).values())

    def get(self, collection: Collection, key: tuple[Any, ...], resource_id: Any) -> Any:
        return self.items.get((collection.path, key), {}).get(resource_id)

    def put(self, collection: Collection, key: tuple[Any, ...], resource: dict[str, Any]) -> None:
        self.items.setdefault((collection.path, key), {})[resource[collection.id_field]] = resource

    def delete(self, collection: Collection, key: tuple[Any, ...], resource_id: Any) -> bool:
        return self.items.get((collection.path, key), {}).pop(resource_id, None) is not None
