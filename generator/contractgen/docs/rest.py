"""A service's REST reference, computed from its OpenAPI document: operations with their
parameters, bodies, responses, examples and security, and each schema as rows of properties."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from contractgen.spec.errors import unescape_token

MAX_DEPTH = 6


@dataclass(frozen=True)
class SchemaRow:
    depth: int
    name: str
    required: bool
    type_label: str
    ref: str  # a components/schemas name to link to, or ""
    constraints: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Body:
    status: str  # "" for a request body
    description: str
    content_type: str
    rows: tuple[SchemaRow, ...]
    example: str


@dataclass(frozen=True)
class ParameterView:
    name: str
    location: str
    required: bool
    rows: tuple[SchemaRow, ...]
    description: str


@dataclass(frozen=True)
class RestOperation:
    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[ParameterView, ...]
    request: tuple[Body, ...]
    responses: tuple[Body, ...]
    security: tuple[str, ...]


class Document:
    """The OpenAPI document with its local `$ref`s (the only kind contractgen allows)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def deref(self, node: Any) -> Any:
        for _ in range(20):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            pointer = str(node["$ref"]).partition("#")[2]
            node = self.raw
            for token in filter(None, pointer.split("/")):
                node = node.get(unescape_token(token), {}) if isinstance(node, dict) else {}
        return node

    def schema_rows(
        self, schema: Any, name: str = "", required: bool = False, expand: bool = True
    ) -> list[SchemaRow]:
        """The schema as rows, nested properties indented. A referenced object is a link, and
        at the top (with `expand`) its properties are listed too; a referenced scalar shows its
        type and constraints in place."""
        return self._rows(schema, name, required, 0, expand)

    def _rows(
        self, schema: Any, name: str, required: bool, depth: int, expand: bool = False
    ) -> list[SchemaRow]:
        if not isinstance(schema, dict):
            return []
        ref = ref_name(schema)
        if ref:
            target = self.deref(schema)
            label, _ = self._label(target)
            if self._children(target) or "oneOf" in target or "anyOf" in target:
                rows = [SchemaRow(depth, name, required, ref, ref, (), "")]
                if expand:
                    for child in self._children(target):
                        rows.extend(self._rows(child[1], child[0], child[2], depth + 1))
                return rows
            description = str(target.get("description", ""))
            return [
                SchemaRow(
                    depth, name, required, f"{ref}: {label}", ref, constraints(target), description
                )
            ]
        label, link = self._label(schema)
        rows = [
            SchemaRow(
                depth,
                name,
                required,
                label,
                link,
                constraints(schema),
                str(schema.get("description", "")),
            )
        ]
        if depth >= MAX_DEPTH:
            return rows
        for child_name, child_schema, child_required in self._children(schema):
            rows.extend(self._rows(child_schema, child_name, child_required, depth + 1))
        return rows

    def _label(self, schema: dict[str, Any]) -> tuple[str, str]:
        for combinator in ("oneOf", "anyOf", "allOf"):
            if combinator in schema:
                parts = [ref_name(p) or self._label(p)[0] for p in schema[combinator]]
                return f"{combinator}: {' | '.join(parts)}", ""
        kind = str(schema.get("type", "object" if "properties" in schema else "any"))
        link = ""
        if kind == "array":
            items = schema.get("items", {})
            link = ref_name(items)
            kind = f"array of {link or self._label(items)[0]}"
        if schema.get("format"):
            kind += f" ({schema['format']})"
        if schema.get("nullable"):
            kind += " | null"
        return kind, link

    def _children(self, schema: dict[str, Any]) -> list[tuple[str, Any, bool]]:
        if schema.get("type") == "array" and not ref_name(schema.get("items", {})):
            return self._children(schema.get("items", {}))
        parts = [schema, *[p for p in schema.get("allOf", []) if not ref_name(p)]]
        children = []
        for part in parts:
            required = set(part.get("required", []))
            for prop, prop_schema in part.get("properties", {}).items():
                children.append((str(prop), prop_schema, prop in required))
        return children

    def operations(self) -> list[RestOperation]:
        result = []
        for path, item in self.raw.get("paths", {}).items():
            item = self.deref(item)
            for method in ("get", "put", "post", "patch", "delete", "head", "options"):
                if method in item:
                    result.append(self._operation(path, method, item, self.deref(item[method])))
        return result

    def _operation(
        self, path: str, method: str, item: dict[str, Any], spec: dict[str, Any]
    ) -> RestOperation:
        params = {}
        for raw in [*item.get("parameters", []), *spec.get("parameters", [])]:
            p = self.deref(raw)
            params[(p["in"], p["name"])] = ParameterView(
                p["name"],
                p["in"],
                bool(p.get("required", False)),
                tuple(self.schema_rows(p.get("schema", {}))),
                str(p.get("description", "")),
            )
        request: list[Body] = []
        if "requestBody" in spec:
            body = self.deref(spec["requestBody"])
            request = self._bodies("", str(body.get("description", "")), body)
        responses = []
        for status, raw in spec.get("responses", {}).items():
            response = self.deref(raw)
            described = str(response.get("description", ""))
            responses.extend(self._bodies(str(status), described, response))
        security = spec.get("security", self.raw.get("security", []))
        return RestOperation(
            operation_id=str(spec.get("operationId", "")),
            method=method.upper(),
            path=path,
            summary=str(spec.get("summary", "")),
            description=str(spec.get("description", "")),
            parameters=tuple(params.values()),
            request=tuple(request),
            responses=tuple(responses),
            security=tuple(self._security(requirement) for requirement in security),
        )

    def _bodies(self, status: str, description: str, holder: dict[str, Any]) -> list[Body]:
        content = holder.get("content") or {"": {}}
        return [
            Body(
                status,
                description,
                content_type,
                tuple(self.schema_rows(media.get("schema"), expand=status[:1] in ("", "2"))),
                example_text(media),
            )
            for content_type, media in content.items()
        ]

    def _security(self, requirement: dict[str, Any]) -> str:
        if not requirement:
            return "none (public)"
        schemes = self.raw.get("components", {}).get("securitySchemes", {})
        words = []
        for name, scopes in requirement.items():
            scheme = schemes.get(name, {})
            how = " ".join(
                str(scheme[k]) for k in ("type", "scheme", "bearerFormat", "in") if k in scheme
            )
            words.append(f"{name} ({how})" + (f" scopes: {', '.join(scopes)}" if scopes else ""))
        return " and ".join(words)

    def component_schemas(self) -> list[tuple[str, tuple[SchemaRow, ...]]]:
        schemas = self.raw.get("components", {}).get("schemas", {})
        return [(name, tuple(self.schema_rows(schemas[name]))) for name in sorted(schemas)]


def ref_name(schema: Any) -> str:
    if isinstance(schema, dict) and str(schema.get("$ref", "")).startswith("#/components/schemas/"):
        return str(schema["$ref"]).rsplit("/", 1)[1]
    return ""


def constraints(schema: dict[str, Any]) -> tuple[str, ...]:
    """The validation keywords in words, in a fixed order."""
    words = []
    pairs = (
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minimum", "≥"),
        ("maximum", "≤"),
        ("exclusiveMinimum", ">"),
        ("exclusiveMaximum", "<"),
        ("multipleOf", "multiple of"),
        ("minItems", "min items"),
        ("maxItems", "max items"),
        ("default", "default"),
    )
    for key, word in pairs:
        if key in schema and not isinstance(schema[key], bool):
            words.append(f"{word} {json.dumps(schema[key], default=str)}")
    if isinstance(schema.get("pattern"), str):
        words.append(f"pattern {schema['pattern']}")  # shown as written, not JSON-escaped
    if schema.get("uniqueItems"):
        words.append("unique items")
    if "enum" in schema:
        words.append("one of " + ", ".join(json.dumps(v, default=str) for v in schema["enum"]))
    if schema.get("additionalProperties") is False:
        words.append("no other properties")
    for flag in ("readOnly", "writeOnly", "deprecated"):
        if schema.get(flag):
            words.append(flag)
    return tuple(words)


def example_text(media: dict[str, Any]) -> str:
    if "example" in media:
        return pretty(media["example"])
    examples = media.get("examples") or {}
    for entry in examples.values():
        if isinstance(entry, dict) and "value" in entry:
            return pretty(entry["value"])
    return ""


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
