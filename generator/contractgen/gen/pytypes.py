"""Python type expressions for JSON Schema (OpenAPI) and Avro types."""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Any

from contractgen.spec.openapi import schema_ref_name


@dataclass(frozen=True)
class TypedField:
    key: str
    type: str
    required: bool


@dataclass(frozen=True)
class TypedDictModel:
    name: str
    doc: str
    fields: tuple[TypedField, ...]

    @property
    def functional(self) -> bool:
        """Keys that are not identifiers need TypedDict's functional syntax."""
        return any(not f.key.isidentifier() or keyword.iskeyword(f.key) for f in self.fields)


def is_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" and "properties" in schema


class JsonSchemaTypes:
    """Maps the schemas of one OpenAPI document to Python types and TypedDict models."""

    def __init__(self, schemas: dict[str, dict[str, Any]]) -> None:
        self.schemas = schemas

    def type_of(self, schema: dict[str, Any] | None) -> str:
        if schema is None:
            return "None"
        name = schema_ref_name(schema)
        if name is not None:
            target = self.schemas.get(name, {})
            return name if is_object(target) else self.type_of(target)
        result = self._plain(schema)
        return f"{result} | None" if schema.get("nullable") else result

    def _plain(self, schema: dict[str, Any]) -> str:
        if "enum" in schema:
            return "Literal[" + ", ".join(repr(value) for value in schema["enum"]) + "]"
        kind = schema.get("type")
        if kind == "array":
            return f"list[{self.type_of(schema.get('items', {}))}]"
        simple = {"integer": "int", "number": "float", "boolean": "bool", "string": "str"}
        if kind in simple:
            return simple[kind]
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            return "dict[str, Any]"
        return "Any"

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
    "null": "None",
    "boolean": "bool",
    "int": "int",
    "long": "int",
    "float": "float",
    "double": "float",
    "bytes": "bytes",
    "string": "str",
}
_AVRO_LOGICAL = {
    "timestamp-millis": "datetime",
    "timestamp-micros": "datetime",
    "date": "date",
    "uuid": "UUID",
    "decimal": "Decimal",
}


def avro_type(kind: Any) -> str:
    """The Python type fastavro reads for an Avro type (and accepts when writing)."""
    if isinstance(kind, list):
        members = [avro_type(member) for member in kind]
        return " | ".join(dict.fromkeys(m for m in members if m != "None")) + (
            " | None" if "None" in members else ""
        )
    if isinstance(kind, dict):
        if kind.get("logicalType") in _AVRO_LOGICAL:
            return _AVRO_LOGICAL[kind["logicalType"]]
        nested = kind.get("type")
        if nested == "array":
            return f"list[{avro_type(kind['items'])}]"
        if nested == "map":
            return f"dict[str, {avro_type(kind['values'])}]"
        if nested in ("enum", "fixed"):
            return "str" if nested == "enum" else "bytes"
        if nested == "record":
            return "dict[str, Any]"
        return avro_type(nested)
    return _AVRO_PRIMITIVES.get(str(kind), "Any")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
