"""Schema registry: the Confluent wire format of events and a small Confluent-compatible client.

Every event on a topic is `0x00` + the 4-byte big-endian schema id + the Avro body, the framing any
Kafka Avro deserializer reads. A service registers (or looks up) its messages' schemas once, at
start-up (`register_events`), and sets each subject's compatibility from the contract; the ids
land in the process-wide `SchemaStore`, so publishing never calls the registry. Consumers fetch a
writer schema by id once and keep it.

Own client rather than confluent-kafka's `SchemaRegistryClient`: we need `PUT /config/{subject}`
with the registry's refusal text (which names the field) surfaced at start-up, a store that also
works in-process for tests, and no second HTTP stack; the protocol is five small calls."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from contractgen.runtime.avro import AvroSchema, Event

MAGIC = 0
HEADER = struct.Struct(">bI")
CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
# Subject naming: TopicRecordNameStrategy (`<topic>-<record full name>`) by default, because a
# channel carries several message types and one subject per topic (`<topic>-value`) would make the
# second type "incompatible" with the first. Both are Confluent's standard strategies.
STRATEGIES = ("topic-record", "topic", "record")
E = TypeVar("E", bound=Event)


class RegistryError(RuntimeError):
    """The registry is unreachable or refused a request; the message says which and why."""


class UnframedPayload(ValueError):
    """Bytes that do not start with the Confluent magic byte and a schema id."""


def subject_name(topic: str, full_name: str, strategy: str = "topic-record") -> str:
    if strategy == "topic":
        return f"{topic}-value"
    if strategy == "record":
        return full_name
    if strategy == "topic-record":
        return f"{topic}-{full_name}"
    raise ValueError(f"unknown subject strategy {strategy!r} (one of {', '.join(STRATEGIES)})")


def frame(schema_id: int, body: bytes) -> bytes:
    return HEADER.pack(MAGIC, schema_id) + body


def unframe(data: bytes) -> tuple[int, bytes]:
    """(schema id, Avro body); refuses anything that is not Confluent-framed."""
    if len(data) < HEADER.size or data[0] != MAGIC:
        raise UnframedPayload(
            f"not in the Confluent wire format (magic byte {data[:1].hex() or 'missing'}, "
            f"{len(data)} bytes)"
        )
    _, schema_id = HEADER.unpack_from(data)
    return schema_id, data[HEADER.size :]


def minified(schema: AvroSchema | dict[str, Any]) -> str:
    """The schema text we register: compact JSON (Apicurio looks schemas up by content)."""
    raw = schema.raw if isinstance(schema, AvroSchema) else schema
    return json.dumps(raw, separators=(",", ":"), sort_keys=False)


@dataclass
class RegistryClient:
    """The Confluent Schema Registry REST API (also Apicurio's `/apis/ccompat/v7`, Confluent
    Cloud with an API key as basic-auth credentials)."""

    url: str
    username: str = ""
    password: str = ""
    timeout: float = 10.0
    _http: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        auth = (self.username, self.password) if self.username else None
        self._http = httpx.Client(
            base_url=self.url.rstrip("/"),
            auth=auth,
            timeout=self.timeout,
            headers={"Content-Type": CONTENT_TYPE, "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = self._http.request(method, path, json=body)
        except httpx.HTTPError as error:
            raise RegistryError(f"schema registry {self.url} is unreachable: {error}") from error
        if response.status_code >= 300:
            try:
                message = response.json().get("message", response.text)
            except ValueError:
                message = response.text
            raise RegistryError(
                f"schema registry refused {method} {path} ({response.status_code}): {message}"
            )
        return response.json() if response.content else None

    def set_compatibility(self, subject: str, mode: str) -> None:
        self._call("PUT", f"/config/{subject}", {"compatibility": mode})

    def register(self, subject: str, schema: str) -> int:
        """The schema's id, registering a new version when the subject lacks it; the registry
        checks it against the subject's compatibility and refuses (409) otherwise."""
        result = self._call(
            "POST", f"/subjects/{subject}/versions", {"schema": schema, "schemaType": "AVRO"}
        )
        return int(result["id"])

    def check(self, subject: str, schema: str) -> tuple[bool, list[str]]:
        """Whether `schema` may become the subject's next version, with the registry's reasons."""
        result = self._call(
            "POST",
            f"/compatibility/subjects/{subject}/versions/latest?verbose=true",
            {"schema": schema, "schemaType": "AVRO"},
        )
        return bool(result.get("is_compatible")), list(result.get("messages") or [])

    def schema(self, schema_id: int) -> str:
        return str(self._call("GET", f"/schemas/ids/{schema_id}")["schema"])

    def subjects_of(self, schema_id: int) -> list[str]:
        return list(self._call("GET", f"/schemas/ids/{schema_id}/subjects") or [])


class SchemaStore:
    """The process's schema ids (for writing) and writer schemas by id (for reading), cached.

    Without a client it is a registry of its own (ids counted from 1), for tests and tools that
    run producer and consumer in one process; `contractgen serve` always gives it a client."""

    def __init__(self, client: RegistryClient | None = None, strategy: str = "topic-record"):
        self.client = client
        self.strategy = strategy
        self._ids: dict[type[Event], int] = {}
        self._schemas: dict[int, AvroSchema] = {}
        self._resolutions: dict[tuple[type[Event], int], AvroSchema | None] = {}

    def register(self, events: Iterable[type[Event]]) -> dict[str, int]:
        """Set each subject's compatibility and register each event's schema; subject -> id."""
        registered = {}
        for cls in events:
            schema = cls.avro_schema()
            subject = subject_name(cls.__topic__, schema.full_name, self.strategy)
            if self.client is None:
                schema_id = next(
                    (i for i, s in self._schemas.items() if s.canonical == schema.canonical),
                    len(self._schemas) + 1,
                )
            else:
                self.client.set_compatibility(subject, cls.__compatibility__)
                schema_id = self.client.register(subject, minified(schema))
            self._ids[cls] = schema_id
            self._schemas[schema_id] = schema
            registered[subject] = schema_id
        return registered

    def schema_id(self, cls: type[Event]) -> int:
        schema_id = self._ids.get(cls)
        if schema_id is None:
            if self.client is not None:
                raise RegistryError(
                    f"{cls.__name__}'s schema was not registered at start-up; "
                    "a service registers every event it sends before serving"
                )
            self.register([cls])
            return self._ids[cls]
        return schema_id

    def resolution(self, cls: type[Event], schema_id: int) -> AvroSchema | None:
        """The writer schema to resolve into `cls`'s when reading `schema_id`, or None when the
        two are the same schema (same canonical form): then fastavro reads without resolving,
        which costs a good part of a consumer's decoding. Decided once per (class, id)."""
        key = (cls, schema_id)
        if key not in self._resolutions:
            writer = self.writer_schema(schema_id)
            same = writer.fingerprint == cls.avro_schema().fingerprint
            self._resolutions[key] = None if same else writer
        return self._resolutions[key]

    def writer_schema(self, schema_id: int) -> AvroSchema:
        schema = self._schemas.get(schema_id)
        if schema is None:
            if self.client is None:
                raise RegistryError(f"unknown schema id {schema_id}")
            schema = self._schemas[schema_id] = AvroSchema.from_json(self.client.schema(schema_id))
        return schema


_store = SchemaStore()


def store() -> SchemaStore:
    return _store


def use_store(new: SchemaStore) -> SchemaStore:
    """Make `new` the process's store (at start-up); returns the previous one."""
    global _store
    previous, _store = _store, new
    return previous


def encode_event(event: Event) -> bytes:
    """The event as it goes into the outbox and onto the topic: framed Avro."""
    return frame(_store.schema_id(type(event)), event.to_avro())


def decode_event(cls: type[E], data: bytes) -> E:
    """Decode framed bytes into `cls`, resolving the writer's schema (by id) into `cls`'s."""
    schema_id, body = unframe(data)
    return cls.from_avro(body, _store.resolution(cls, schema_id))


def start_registry(settings: Any, events: Iterable[type[Event]]) -> SchemaStore:
    """At a service's start-up: point the process at the registry in `settings`
    (`SCHEMA_REGISTRY_URL`, credentials) and register the events it sends; a registry that is
    down or refuses a schema stops the start with the reason."""
    events = tuple(events)
    if not settings.schema_registry_url:
        raise RegistryError(
            "SCHEMA_REGISTRY_URL is not set: events are framed with schema ids from a "
            "Confluent-compatible schema registry (the local stack runs one)"
        )
    client = RegistryClient(
        settings.schema_registry_url,
        settings.schema_registry_username,
        settings.schema_registry_password,
    )
    new = SchemaStore(client, settings.schema_registry_subject_strategy)
    new.register(events)
    use_store(new)
    return new
