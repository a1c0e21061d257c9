"""The OpenAPI side of a service contract: its operations, their parameters and events."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contractgen.spec.documents import Documents, Node, child, items, iter_refs
from contractgen.spec.errors import Location, SpecError, SpecIssue, pointer
from contractgen.spec.links import link_issues
from contractgen.spec.naming import pythonic
from contractgen.spec.openapi_check import confirm_openapi30

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
JSON = "application/json"


@dataclass(frozen=True)
class Parameter:
    name: str
    python_name: str
    location: str
    required: bool
    schema: dict[str, Any]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    summary: str
    parameters: tuple[Parameter, ...]
    body_schema: dict[str, Any] | None
    success_status: int
    success_schema: dict[str, Any] | None
    emits: tuple[str, ...]
    secured: bool
    where: Location

    @property
    def python_name(self) -> str:
        return pythonic(self.operation_id)


@dataclass(frozen=True)
class OpenApiSpec:
    path: Path
    title: str
    document: dict[str, Any]
    operations: tuple[Operation, ...]
    schemas: dict[str, dict[str, Any]]
    port: int | None = None
    """`info.x-port`: where the service listens (local stack, containers, Kubernetes)."""


def load_openapi(docs: Documents, path: Path) -> OpenApiSpec:
    root = docs.root_node(path)
    document = root.value
    if not isinstance(document, dict):
        raise SpecError.at(root.where, "an OpenAPI document must be a mapping")
    issues = _validate(docs, root)
    if issues:
        raise SpecError(issues)
    operations = [op for op in _operations(docs, root)]
    seen: dict[str, Location] = {}
    for op in operations:
        if op.operation_id in seen:
            issues.append(
                SpecIssue(
                    op.where,
                    f"operationId {op.operation_id!r} is already used at {seen[op.operation_id]}",
                )
            )
        seen[op.operation_id] = op.where
    if issues:
        raise SpecError(issues)
    issues = link_issues(docs, root, HTTP_METHODS, _link_targets(docs, root, operations))
    if issues:
        raise SpecError(issues)
    schemas = document.get("components", {}).get("schemas", {})
    port = document["info"].get("x-port")
    if port is not None and (not isinstance(port, int) or not 1 <= port <= 65535):
        raise SpecError.at(
            root.where.child("info", "x-port"), "must be a TCP port number (1-65535)"
        )
    title = str(document["info"]["title"])
    return OpenApiSpec(path, title, document, tuple(operations), schemas, port)


def _link_targets(
    docs: Documents, root: Node, operations: list[Operation]
) -> dict[str, tuple[set[tuple[str, str]], dict[str, Any] | None]]:
    """What a link may name: each operation's parameters and its JSON body's schema."""
    return {
        op.operation_id: (
            {(p.location, p.name) for p in op.parameters},
            None if op.body_schema is None else _resolve_schema(docs, root, op.body_schema),
        )
        for op in operations
    }


def _validate(docs: Documents, root: Node) -> list[SpecIssue]:
    """References first (the validator cannot report a broken one), then the OpenAPI schema."""
    refs = list(iter_refs(root, docs))
    issues = [
        SpecIssue(
            ref.where.child("$ref"), "OpenAPI documents use local $refs only (#/components/...)"
        )
        for ref in refs
        if not str(ref.value["$ref"]).startswith("#")
    ]
    issues = issues or docs.ref_issues(refs)
    if issues:
        return issues
    document = root.value
    if confirm_openapi30(document):
        return []
    # The reference validator: slow, and imported only here (~0.3 s), but it words each error.
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    version = str(document.get("openapi", ""))
    validator_class = (
        OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    )
    return [
        SpecIssue(root.where.child(*error.absolute_path), error.message)
        for error in validator_class(document).iter_errors()
    ]


def _operations(docs: Documents, root: Node) -> list[Operation]:
    global_security = bool(root.value.get("security"))
    paths = child(docs, root, "paths")
    operations = []
    for path, path_item in items(docs, paths):
        shared = [docs.deref(p).value for p in _list(docs, path_item, "parameters")]
        for method in HTTP_METHODS:
            if method not in path_item.value:
                continue
            node = child(docs, path_item, method)
            operations.append(_operation(docs, node, path, method, shared, global_security))
    return operations


def _operation(
    docs: Documents, node: Node, path: str, method: str, shared: list[Any], global_security: bool
) -> Operation:
    spec = node.value
    if "operationId" not in spec:
        raise SpecError.at(node.where, "every operation needs an operationId")
    own = [docs.deref(p).value for p in _list(docs, node, "parameters")]
    by_key = {(p["in"], p["name"]): p for p in [*shared, *own]}
    parameters = tuple(
        Parameter(
            name=p["name"],
            python_name=pythonic(p["name"]),
            location=p["in"],
            required=bool(p.get("required", False)),
            schema=_resolve_schema(docs, node, p.get("schema", {})),
        )
        for p in by_key.values()
        if p["in"] in ("path", "query")
    )
    body_schema = None
    if "requestBody" in spec:
        body = docs.deref(child(docs, node, "requestBody")).value
        body_schema = body.get("content", {}).get(JSON, {}).get("schema")
    status, success_schema = _success(docs, node)
    emits = spec.get("x-emits", [])
    if not isinstance(emits, list) or not all(isinstance(name, str) for name in emits):
        raise SpecError.at(node.where.child("x-emits"), "x-emits must be a list of message names")
    security = spec.get("security")
    secured = global_security if security is None else bool(security)
    return Operation(
        operation_id=spec["operationId"],
        method=method,
        path=path,
        summary=str(spec.get("summary", "")),
        parameters=parameters,
        body_schema=body_schema,
        success_status=status,
        success_schema=success_schema,
        emits=tuple(emits),
        secured=secured,
        where=node.where,
    )


def _success(docs: Documents, node: Node) -> tuple[int, dict[str, Any] | None]:
    responses = node.value.get("responses", {})
    codes = sorted(
        int(code) for code in responses if str(code).isdigit() and 200 <= int(code) < 300
    )
    if not codes:
        raise SpecError.at(node.where.child("responses"), "the operation documents no 2xx response")
    code = codes[0]
    key = code if code in responses else str(code)
    response = docs.deref(child(docs, child(docs, node, "responses"), key)).value
    schema = response.get("content", {}).get(JSON, {}).get("schema")
    return code, schema


def _resolve_schema(docs: Documents, at: Node, schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema with its top-level `$ref` followed (parameters use scalar schemas)."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = docs.walk(at.path, schema["$ref"].partition("#")[2], at.where).value
    return schema


def _list(docs: Documents, node: Node, key: str) -> list[Node]:
    if not isinstance(node.value.get(key), list):
        return []
    holder = child(docs, node, key)
    return [child(docs, holder, index) for index in range(len(holder.value))]


def schema_ref_name(schema: dict[str, Any] | None) -> str | None:
    """`Order` for `{"$ref": "#/components/schemas/Order"}`, else None."""
    if isinstance(schema, dict) and str(schema.get("$ref", "")).startswith("#/components/schemas/"):
        return str(schema["$ref"]).rsplit("/", 1)[1]
    return None


__all__ = ["OpenApiSpec", "Operation", "Parameter", "load_openapi", "pointer", "schema_ref_name"]
