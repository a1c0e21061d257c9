"""Python types for JSON Schema (OpenAPI) and Avro types, as objects that know their imports.

A type is computed once with the names it needs (`PyType.imports`); templates only print its
`hint`, and each file's import lines are made from the imports of the types it uses, never by
searching rendered text.
"""

from __future__ import annotations

import keyword
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from contractgen.spec.openapi import schema_ref_name


@dataclass(frozen=True, order=True)
class Import:
    module: str
    name: str


@dataclass(frozen=True)
class PyType:
    hint: str
    imports: frozenset[Import] = field(default_factory=frozenset)

    @classmethod
    def named(cls, hint: str, module: str | None = None) -> PyType:
        """A type named `hint`, imported from `module` (None: a builtin)."""
        return cls(hint, frozenset({Import(module, hint)}) if module else frozenset())

    def wrap(self, template: str, *others: PyType, module: str | None = None) -> PyType:
        """`template` with `{}` filled by this type's hint (e.g. `list[{}]`), with the imports of
        this type, of `others` and of the wrapper itself (`module`)."""
        imports = set(self.imports).union(*(other.imports for other in others))
        if module:
            imports.add(Import(module, template.partition("[")[0]))
        return PyType(template.format(self.hint), frozenset(imports))

    def or_none(self) -> PyType:
        return PyType(f"{self.hint} | None", self.imports)


ANY = PyType.named("Any", "typing")
NONE = PyType("None")
_SIMPLE = {"integer": "int", "number": "float", "boolean": "bool", "string": "str"}


def union(types: Iterable[PyType]) -> PyType:
    members = list(dict.fromkeys(types))
    return PyType(
        " | ".join(t.hint for t in members), frozenset().union(*(t.imports for t in members))
    )


def import_lines(imports: Iterable[Import], local_module: str | None = None) -> str:
    """`from module import a, b` lines for `imports`, sorted (those of `local_module` are its own)."""
    by_module: dict[str, set[str]] = defaultdict(set)
    for item in imports:
        if item.module != local_module:
            by_module[item.module].add(item.name)
    return "".join(
        f"from {module} import {', '.join(sorted(names))}\n"
        for module, names in sorted(by_module.items())
    )


@dataclass(frozen=True)
class TypedField:
    key: str
    type: PyType
    required: bool

    @property
    def annotation(self) -> str:
        return self.type.hint if self.required else f"NotRequired[{self.type.hint}]"


@dataclass(frozen=True)
class TypedDictModel:
    name: str
    doc: str
    fields: tuple[TypedField, ...]

    @property
    def functional(self) -> bool:
        """Keys that are not identifiers need TypedDict's functional syntax."""
        return any(not f.key.isidentifier() or keyword.iskeyword(f.key) for f in self.fields)

    @property
    def imports(self) -> frozenset[Import]:
        names = {Import("typing", "TypedDict")}
        if any(not f.required for f in self.fields):
            names.add(Import("typing", "NotRequired"))
        return frozenset(names).union(*(f.type.imports for f in self.fields))


def is_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" and "properties" in schema


class JsonSchemaTypes:
    """Maps the schemas of one OpenAPI document to Python types and TypedDict models; a model
    is imported from `models_module`."""

    def __init__(self, schemas: dict[str, dict[str, Any]], models_module: str) -> None:
        self.schemas = schemas
        self.models_module = models_module

    def type_of(self, schema: dict[str, Any] | None) -> PyType:
        if schema is None:
            return NONE
        name = schema_ref_name(schema)
        if name is not None:
            target = self.schemas.get(name, {})
            return (
                PyType.named(name, self.models_module)
                if is_object(target)
                else self.type_of(target)
            )
        result = self._plain(schema)
        return result.or_none() if schema.get("nullable") else result

    def _plain(self, schema: dict[str, Any]) -> PyType:
        if "enum" in schema:
            values = ", ".join(repr(value) for value in schema["enum"])
            return PyType(f"Literal[{values}]", frozenset({Import("typing", "Literal")}))
        kind = schema.get("type")
        if kind == "array":
            return self.type_of(schema.get("items", {})).wrap("list[{}]")
        if kind in _SIMPLE:
            return PyType(_SIMPLE[kind])
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            return ANY.wrap("dict[str, {}]")
        return ANY

    def model(self, name: str, schema: dict[str, Any]) -> TypedDictModel:
        required = set(schema.get("required", []))
        fields = tuple(
            TypedField(key, self.type_of(prop), key in required)
            for key, prop in schema["properties"].items()
        )
        return TypedDictModel(name, _one_line(schema.get("description", "")), fields)

    def component_models(self) -> list[TypedDictModel]:
        return [self.model(name, s) for name, s in sorted(self.schemas.items()) if is_object(s)]


_AVRO_PRIMITIVES = {
    "null": NONE,
    "boolean": PyType("bool"),
    "int": PyType("int"),
    "long": PyType("int"),
    "float": PyType("float"),
    "double": PyType("float"),
    "bytes": PyType("bytes"),
    "string": PyType("str"),
}
_AVRO_LOGICAL = {
    "timestamp-millis": PyType.named("datetime", "datetime"),
    "timestamp-micros": PyType.named("datetime", "datetime"),
    "date": PyType.named("date", "datetime"),
    "uuid": PyType.named("UUID", "uuid"),
    "decimal": PyType.named("Decimal", "decimal"),
}


def avro_type(kind: Any) -> PyType:
    """The Python type fastavro reads for an Avro type (and accepts when writing)."""
    if isinstance(kind, list):
        members = [avro_type(member) for member in kind]
        present = union(m for m in members if m != NONE)
        return present.or_none() if NONE in members else present
    if isinstance(kind, dict):
        if kind.get("logicalType") in _AVRO_LOGICAL:
            return _AVRO_LOGICAL[kind["logicalType"]]
        nested = kind.get("type")
        if nested == "array":
            return avro_type(kind["items"]).wrap("list[{}]")
        if nested == "map":
            return avro_type(kind["values"]).wrap("dict[str, {}]")
        if nested in ("enum", "fixed"):
            return PyType("str" if nested == "enum" else "bytes")
        if nested == "record":
            return ANY.wrap("dict[str, {}]")
        return avro_type(nested)
    return _AVRO_PRIMITIVES.get(str(kind), ANY)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
