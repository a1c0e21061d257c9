"""Avro binary encoding of generated event classes (fastavro, schemaless: the schema travels by id)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, ClassVar, Self

import fastavro
from fastavro.schema import fingerprint, to_parsing_canonical_form


@dataclass(frozen=True)
class AvroSchema:
    """A parsed schema and its identity: full name plus the Avro CRC-64 fingerprint."""

    full_name: str
    parsed: Any
    fingerprint: str
    raw: Any = field(default=None, compare=False, repr=False)
    """The schema as written (JSON), what a schema registry is given."""
    canonical: str = field(default="", compare=False, repr=False)

    @property
    def schema_id(self) -> str:
        return f"{self.full_name}@{self.fingerprint}"

    @classmethod
    def from_json(cls, text: str) -> AvroSchema:
        schema = json.loads(text)
        parsed = fastavro.parse_schema(schema)
        full_name = f"{schema['namespace']}.{schema['name']}"
        canonical = to_parsing_canonical_form(parsed)
        return cls(full_name, parsed, fingerprint(canonical, "CRC-64-AVRO"), schema, canonical)


class Event:
    """Base of the generated event dataclasses.

    A subclass names its `.avsc` (a resource of its package), the channel it is sent to, the
    field that is the aggregate id (the Kafka key), and how Python attributes map to Avro fields.
    """

    __avro_resource__: ClassVar[tuple[str, str]]
    __avro_fields__: ClassVar[tuple[tuple[str, str], ...]]
    __topic__: ClassVar[str]
    __aggregate_field__: ClassVar[str]
    __compatibility__: ClassVar[str] = "BACKWARD"
    """The contract's `x-compatibility`: what the registry enforces on the schema's subject."""
    __schemas: ClassVar[dict[type, AvroSchema]] = {}

    @classmethod
    def avro_schema(cls) -> AvroSchema:
        schema = Event.__schemas.get(cls)
        if schema is None:
            package, name = cls.__avro_resource__
            text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
            schema = Event.__schemas[cls] = AvroSchema.from_json(text)
        return schema

    @classmethod
    def event_type(cls) -> str:
        return cls.__name__

    def to_record(self) -> dict[str, Any]:
        return {avro: getattr(self, attr) for attr, avro in self.__avro_fields__}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Self:
        return cls(**{attr: record[avro] for attr, avro in cls.__avro_fields__})

    def to_avro(self) -> bytes:
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, self.avro_schema().parsed, self.to_record())
        return buffer.getvalue()

    @classmethod
    def from_framed(cls, data: bytes) -> Self:
        """Decode what the outbox and the topics carry: Confluent-framed Avro (see
        `contractgen.runtime.registry`), resolving the writer's schema into this class's."""
        from contractgen.runtime.registry import decode_event

        return decode_event(cls, data)

    @classmethod
    def from_avro(cls, data: bytes, writer_schema: AvroSchema | None = None) -> Self:
        """Decode Avro binary; with a writer schema, resolve it to this class's (reader) schema."""
        reader = cls.avro_schema()
        writer = writer_schema or reader
        record = fastavro.schemaless_reader(
            io.BytesIO(data), writer.parsed, reader.parsed if writer is not reader else None
        )
        if not isinstance(record, dict):
            raise ValueError(f"{cls.__name__}: payload did not decode to a record")
        return cls.from_record(record)

    def aggregate_id(self) -> str:
        return str(getattr(self, self.__aggregate_field__))
