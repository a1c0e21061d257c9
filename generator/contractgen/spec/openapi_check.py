"""A quick yes for a valid OpenAPI 3.0 document, in place of openapi-spec-validator's slow one.

openapi-spec-validator walks the document through jsonschema-path and meta-checks every schema at
every place it is used (seconds for a thousand operations). This module makes the same checks
with jsonschema-rs, each distinct schema object once. It only ever answers "valid" or "ask the
reference": when any check fails, or the document uses something this path does not cover, the
caller runs openapi-spec-validator, which words the error (file and JSON pointer) as it always
did. So a document it accepts must be one openapi-spec-validator accepts; the converse need not
hold (a false "ask the reference" only costs time).
"""

from __future__ import annotations

import importlib.util
import json
import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import regress

from contractgen.spec.errors import unescape_token

OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMBINERS = ("allOf", "anyOf", "oneOf")
# Keywords of a schema whose `default` this path checks itself; any other keyword (a `$ref`
# below the top, `properties`, ...) leaves the default to openapi-spec-validator.
SCALAR_KEYWORDS = frozenset(
    {
        "type",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "enum",
        "default",
        "title",
        "description",
        "example",
        "readOnly",
        "writeOnly",
        "deprecated",
    }
)
INTEGER_RANGES = {"int32": 1 << 31, "int64": 1 << 63}
# Formats whose check this path makes itself (the integer ranges) or that always pass in
# openapi-schema-validator's OAS 3.0 checker; a `default` under any other format (`date`,
# `email`, ...) is left to openapi-spec-validator. So is `multipleOf`, where float rounding
# differs between validators.
SCALAR_FORMATS = frozenset({"int32", "int64", "float", "double", "password"})


def _package_file(package: str, relative: str) -> Path:
    """A data file of an installed package, found without importing the package (importing
    openapi_spec_validator costs ~0.3 s: it is what this module saves)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / relative


@cache
def _document_validator() -> jsonschema_rs.Validator:
    """The OpenAPI 3.0 JSON Schema, the one openapi-spec-validator checks documents against."""
    path = _package_file("openapi_spec_validator", "resources/schemas/v3.0/schema.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema_rs.validator_cls_for(schema)(schema)


@cache
def _meta_validator() -> jsonschema_rs.Validator:
    """JSON Schema draft 4's meta-schema: what OAS30Validator.check_schema checks a schema
    against (its `regex` format is checked by `_patterns_valid`, with regress as it does)."""
    path = _package_file("jsonschema_specifications", "schemas/draft4/metaschema.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema_rs.Draft4Validator(schema, validate_formats=False)


class _Undecided(Exception):
    """The quick path cannot say yes; openapi-spec-validator decides."""


class _Walk:
    """The document's schemas, each `$ref` resolved once and each distinct schema visited once."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.targets: dict[str, Any] = {}
        self.visited: set[int] = set()
        # Apart from `visited`: the reference may meet a schema first nested (no meta-schema or
        # `required` check) and later at the top (checked); so may this path.
        self.meta_checked: set[int] = set()
        self.required_checked: set[int] = set()

    def deref(self, value: Any) -> Any:
        seen: set[str] = set()
        while isinstance(value, dict) and "$ref" in value:
            ref = value["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#") or ref in seen:
                raise _Undecided
            seen.add(ref)
            if ref not in self.targets:
                self.targets[ref] = self._pointer(ref[1:])
            value = self.targets[ref]
        return value

    def _pointer(self, pointer: str) -> Any:
        value: Any = self.document
        for token in filter(None, pointer.split("/")):
            key = unescape_token(token)
            if isinstance(value, list) and key.isdigit() and int(key) < len(value):
                value = value[int(key)]
            elif isinstance(value, dict) and key in value:
                value = value[key]
            else:
                raise _Undecided
        return value

    def schema(self, value: Any, *, top: bool = True) -> None:
        """openapi-spec-validator's SchemaValidator: meta-schema, `required` under `allOf`,
        `default`, and the same for every subschema.

        The meta-schema check of a schema covers the subschemas written inside it, so a nested
        schema is checked on its own only when reached through a `$ref` (the reference checks
        only those at the top: a component reached through a `$ref` is one)."""
        schema = self.deref(value)
        if isinstance(schema, bool):
            return
        if not isinstance(schema, dict):
            raise _Undecided
        if (top or schema is not value) and id(schema) not in self.meta_checked:
            self.meta_checked.add(id(schema))
            if not _meta_validator().is_valid(schema):
                raise _Undecided
        if top and "allOf" in schema and id(schema) not in self.required_checked:
            self.required_checked.add(id(schema))
            declared = set(_dict(schema.get("properties")))
            nested = set().union(*(self.properties_of(i) for i in _list(schema["allOf"])))
            if set(_list(schema.get("required"))) - declared - nested:
                raise _Undecided
        if id(schema) in self.visited:
            return
        self.visited.add(id(schema))
        for keyword in COMBINERS:
            for inner in _list(schema.get(keyword)):
                self.schema(inner, top=False)
        for keyword in ("not", "items"):
            if keyword in schema:
                self.schema(schema[keyword], top=False)
        for inner in _dict(schema.get("properties")).values():
            self.schema(inner, top=False)
        if "default" in schema:
            default = schema["default"]
            if default is not None or schema.get("nullable") is not True:
                _check_default(schema, default)

    def properties_of(self, value: Any, within: frozenset[int] = frozenset()) -> set[str]:
        """Every property name reachable from a schema (the reference's `_collect_properties`,
        which a recursive schema sends into endless recursion: here it is left undecided)."""
        schema = self.deref(value)
        if not isinstance(schema, dict):
            return set()
        if id(schema) in within:
            raise _Undecided
        within |= {id(schema)}
        names = set(_dict(schema.get("properties")))
        for keyword in COMBINERS:
            for inner in _list(schema.get(keyword)):
                names |= self.properties_of(inner, within)
        for keyword in ("items", "not"):
            if keyword in schema:
                names |= self.properties_of(schema[keyword], within)
        return names


def _check_default(schema: dict[str, Any], default: Any) -> None:
    """A `default` of a scalar schema, checked as OAS30Validator would; anything richer is left
    to openapi-spec-validator."""
    if not SCALAR_KEYWORDS.issuperset(schema):
        raise _Undecided
    kind, form = schema.get("type"), schema.get("format")
    if form is not None and form not in SCALAR_FORMATS:
        raise _Undecided
    if kind == "integer" and (isinstance(default, bool) or not isinstance(default, int)):
        raise _Undecided
    if form in INTEGER_RANGES and isinstance(default, int) and not isinstance(default, bool):
        bound = INTEGER_RANGES[form]
        if not -bound <= default < bound:
            raise _Undecided
    pattern = schema.get("pattern")  # as OAS30Validator matches it: regress, not `re`
    if (
        isinstance(pattern, str)
        and isinstance(default, str)
        and regress.Regex(pattern).find(default) is None
    ):
        raise _Undecided
    if not jsonschema_rs.Draft4Validator(schema, validate_formats=False).is_valid(default):
        raise _Undecided


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _patterns(value: Any) -> Iterator[str]:
    """Every string under a `pattern` key anywhere (more than the schemas' own: harmless, a
    string that is no regular expression only sends the document to the reference)."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            pattern = value.get("pattern")
            if isinstance(pattern, str):
                yield pattern
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _patterns_valid(document: dict[str, Any]) -> bool:
    """The meta-schema's `format: regex`, as openapi-schema-validator checks it (regress)."""
    for pattern in set(_patterns(document)):
        try:
            regress.Regex(pattern)
        except regress.RegressError:
            return False
    return True


def _path_parameter_names(walk: _Walk, parameters: Any) -> set[str]:
    names = set()
    for parameter in _list(parameters):
        parameter = walk.deref(parameter)
        if parameter.get("in") == "path":
            names.add(parameter["name"])
    return names


def _parameters(walk: _Walk, parameters: Any) -> None:
    seen: set[tuple[Any, Any]] = set()
    for value in _list(parameters):
        parameter = walk.deref(value)
        if "schema" in parameter:
            walk.schema(parameter["schema"])
        key = (parameter.get("name"), parameter.get("in"))
        if key in seen:
            raise _Undecided
        seen.add(key)


def _content(walk: _Walk, holder: Any) -> None:
    for media_type in _dict(walk.deref(holder).get("content")).values():
        media_type = walk.deref(media_type)
        if isinstance(media_type, dict) and "schema" in media_type:
            walk.schema(media_type["schema"])


def _paths(walk: _Walk, paths: dict[str, Any]) -> None:
    operation_ids: set[Any] = set()
    for url, value in paths.items():
        path_item = walk.deref(value)
        shared = path_item.get("parameters")
        _parameters(walk, shared)
        in_url = set(filter(None, (item[1] for item in string.Formatter().parse(url))))
        for method, operation in path_item.items():
            if method not in OPERATIONS:
                continue
            operation_id = operation.get("operationId")
            if operation_id is not None:
                if operation_id in operation_ids:
                    raise _Undecided
                operation_ids.add(operation_id)
            for response in _dict(operation.get("responses")).values():
                _content(walk, response)
            if "requestBody" in operation:  # more than the reference checks: harmless
                _content(walk, operation["requestBody"])
            _parameters(walk, operation.get("parameters"))
            declared = _path_parameter_names(walk, operation.get("parameters"))
            if declared | _path_parameter_names(walk, shared) != in_url:
                raise _Undecided


def confirm_openapi30(document: dict[str, Any]) -> bool:
    """True when `document` is a valid OpenAPI 3.0 document by every check openapi-spec-validator
    makes; False when it may not be (then openapi-spec-validator decides and words the errors)."""
    if not str(document.get("openapi", "")).startswith("3.0"):
        return False
    if not _document_validator().is_valid(document) or not _patterns_valid(document):
        return False
    walk = _Walk(document)
    try:
        tags = [tag["name"] for tag in _list(document.get("tags"))]
        if len(tags) != len(set(tags)):
            return False
        _paths(walk, _dict(document.get("paths")))
        for schema in _dict(_dict(document.get("components")).get("schemas")).values():
            walk.schema(schema)
    except _Undecided:
        return False
    except (KeyError, TypeError, AttributeError):  # a shape the reference words better
        return False
    return True
