"""What the service's database cannot store, the contract must refuse.

PostgreSQL `text`/`varchar` cannot hold U+0000. A request string that the contract accepts with a
NUL in it would be refused by the service (a status the contract does not document) or fail in
the database. So for a service whose outbox databases include PostgreSQL, every string a request
can carry (parameters and JSON bodies, through `$ref`, properties, items and combinators) must
exclude NUL: an `enum`/`const`, or an ECMA-262 `pattern` that matches no string containing NUL,
e.g. `^[^\\u0000]*$`. The pattern is judged on probes (NUL alone, at either end, in the middle,
and around the schema's example): a rule of thumb that catches the usual omission, not a proof.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from contractgen.runtime.ecma import PatternError, search
from contractgen.spec.documents import Documents, Node, child, items
from contractgen.spec.errors import SpecIssue

STORING_NO_NUL = ("postgresql",)
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
_PROBES = ("\x00", "a\x00", "\x00a", "a\x00a", "0\x00", " \x00 ", "\x00\x00")
_SUBSCHEMAS = ("items", "additionalProperties", "not")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def storage_issues(docs: Documents, path: Path, databases: tuple[str, ...]) -> list[SpecIssue]:
    """Request strings that let NUL through, in a service stored on PostgreSQL."""
    if not set(databases) & set(STORING_NO_NUL):
        return []
    root = docs.root_node(path)
    seen: set[tuple[Path, str]] = set()
    issues: list[SpecIssue] = []
    for schema in _request_schemas(docs, root):
        issues.extend(_strings(docs, schema, seen))
    return issues


def _request_schemas(docs: Documents, root: Node) -> Iterator[Node]:
    if not isinstance(root.value.get("paths"), dict):
        return
    for _, path_item in items(docs, child(docs, root, "paths")):
        yield from _parameter_schemas(docs, path_item)
        for method in HTTP_METHODS:
            if not isinstance(path_item.value.get(method), dict):
                continue
            operation = child(docs, path_item, method)
            yield from _parameter_schemas(docs, operation)
            if "requestBody" in operation.value:
                body = docs.deref(child(docs, operation, "requestBody"))
                for _, media in items(docs, child(docs, body, "content")):
                    if "schema" in media.value:
                        yield child(docs, media, "schema")


def _parameter_schemas(docs: Documents, node: Node) -> Iterator[Node]:
    if not isinstance(node.value.get("parameters"), list):
        return
    holder = child(docs, node, "parameters")
    for index in range(len(holder.value)):
        parameter = docs.deref(child(docs, holder, index))
        if "schema" in parameter.value:
            yield child(docs, parameter, "schema")


def _strings(docs: Documents, node: Node, seen: set[tuple[Path, str]]) -> Iterator[SpecIssue]:
    node = docs.deref(node)
    if (node.path, node.pointer) in seen or not isinstance(node.value, dict):
        return
    seen.add((node.path, node.pointer))
    schema = node.value
    types = schema.get("type")
    if types == "string" or (isinstance(types, list) and "string" in types):
        problem = _lets_nul_through(schema)
        if problem:
            yield SpecIssue(node.where, problem)
    if isinstance(schema.get("properties"), dict):
        for _, value in items(docs, child(docs, node, "properties")):
            yield from _strings(docs, value, seen)
    for key in _SUBSCHEMAS:
        if key != "not" and isinstance(schema.get(key), dict):
            yield from _strings(docs, child(docs, node, key), seen)
    for key in _SCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            for index in range(len(schema[key])):
                yield from _strings(docs, child(docs, child(docs, node, key), index), seen)


def _lets_nul_through(schema: dict[str, Any]) -> str | None:
    if "enum" in schema or "const" in schema or schema.get("maxLength") == 0:
        return None
    hint = "(PostgreSQL cannot store U+0000); add e.g. pattern: '^[^\\u0000]*$'"
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return f"a request string of a PostgreSQL-backed service must exclude NUL {hint}"
    example = schema.get("example")
    probes = list(_PROBES)
    if isinstance(example, str):
        probes += [example + "\x00", "\x00" + example, example[:1] + "\x00" + example[1:]]
    try:
        leak = next((probe for probe in probes if search(pattern, probe)), None)
    except PatternError as error:
        return str(error)
    if leak is not None:
        return f"pattern {pattern!r} lets NUL through (it matches {leak!r}) {hint}"
    return None
