"""OpenAPI `links`: each names an operation of the document and parameters that operation has.

Stateful contract tests follow links from a response to the next call (create -> get -> update ->
delete); a link to an operation or a parameter that does not exist would silently test nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from contractgen.spec.documents import Documents, Node, child, items
from contractgen.spec.errors import Location, SpecIssue

LOCATIONS = ("path", "query", "header", "cookie")
# OpenAPI 3.0 runtime expressions (4.7.20.4).
EXPRESSION = re.compile(
    r"^\$(url|method|statusCode"
    r"|request\.(path|query|header)\.[^\s]+|request\.body(#/[^\s]*)?"
    r"|response\.header\.[^\s]+|response\.body(#/[^\s]*)?)$"
)


def link_issues(
    docs: Documents,
    root: Node,
    methods: tuple[str, ...],
    targets: Mapping[str, tuple[set[tuple[str, str]], dict[str, Any] | None]],
) -> list[SpecIssue]:
    """Every link of every response. `targets`: operationId -> ((in, name) of its parameters,
    its JSON request body schema or None)."""
    issues: list[SpecIssue] = []
    for _, path_item in items(docs, child(docs, root, "paths")):
        for method in methods:
            if method not in path_item.value:
                continue
            operation = child(docs, path_item, method)
            for response, link_name, link in _links(docs, operation):
                issues.extend(_check(docs, link, link_name, response, targets))
    return issues


def _links(docs: Documents, operation: Node) -> Iterator[tuple[Node, str, Node]]:
    if not isinstance(operation.value.get("responses"), dict):
        return
    for _, response in items(docs, child(docs, operation, "responses")):
        if isinstance(response.value, dict) and isinstance(response.value.get("links"), dict):
            for name, link in items(docs, child(docs, response, "links")):
                yield response, name, link


def _check(
    docs: Documents,
    link: Node,
    name: str,
    response: Node,
    targets: Mapping[str, tuple[set[tuple[str, str]], dict[str, Any] | None]],
) -> Iterator[SpecIssue]:
    spec = link.value if isinstance(link.value, dict) else {}
    if "operationId" not in spec:
        yield SpecIssue(link.where, f"link {name!r} must name its operation by operationId")
        return
    target = spec["operationId"]
    if target not in targets:
        known = ", ".join(sorted(targets))
        yield SpecIssue(
            link.where.child("operationId"),
            f"link {name!r} names operation {target!r}, which does not exist (operations: {known})",
        )
        return
    parameters, body = targets[target]
    returned = _response_properties(docs, response)
    names = {parameter for _, parameter in parameters}
    for key, value in (spec.get("parameters") or {}).items():
        where = link.where.child("parameters", key)
        location, dot, parameter = str(key).partition(".")
        wanted = (location, parameter) if dot and location in LOCATIONS else None
        if (wanted not in parameters) if wanted else (key not in names):
            have = ", ".join(sorted(names)) or "none"
            yield SpecIssue(
                where, f"operation {target!r} has no parameter {key!r} (parameters: {have})"
            )
        yield from _expression(value, where, returned)
    if "requestBody" in spec:
        where = link.where.child("requestBody")
        if body is None:
            yield SpecIssue(where, f"operation {target!r} takes no JSON request body")
        elif isinstance(spec["requestBody"], dict):
            properties = body.get("properties")
            closed = body.get("additionalProperties") is False
            for key, value in spec["requestBody"].items():
                if closed and isinstance(properties, dict) and key not in properties:
                    yield SpecIssue(
                        where.child(key),
                        f"operation {target!r}'s request body has no property {key!r}",
                    )
                yield from _expression(value, where.child(key), returned)
        else:
            yield from _expression(spec["requestBody"], where, returned)


def _response_properties(docs: Documents, response: Node) -> set[str] | None:
    """The properties of the response's JSON body, where its schema lists them."""
    content = response.value.get("content")
    if not isinstance(content, dict) or "application/json" not in content:
        return None
    media = child(docs, child(docs, response, "content"), "application/json")
    if "schema" not in media.value:
        return None
    schema = docs.deref(child(docs, media, "schema")).value
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return set(properties) if isinstance(properties, dict) else None


def _expression(value: Any, where: Location, returned: set[str] | None) -> Iterator[SpecIssue]:
    """A runtime expression is well formed, and a `$response.body#/x` names a property the
    response's JSON schema has (where it lists them)."""
    if not (isinstance(value, str) and value.startswith("$")):
        return
    if not EXPRESSION.match(value):
        yield SpecIssue(where, f"{value!r} is not an OpenAPI runtime expression")
        return
    prefix = "$response.body#/"
    if value.startswith(prefix):
        first = value[len(prefix) :].split("/")[0]
        if returned is not None and first not in returned:
            yield SpecIssue(where, f"{value!r}: the response body has no property {first!r}")
