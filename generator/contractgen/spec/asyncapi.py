"""The AsyncAPI side of a service contract: channels, messages (Avro) and operations."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastavro
import jsonschema_rs
from fastavro.validation import validate as avro_validate

from contractgen.spec.documents import Documents, Node, child, items
from contractgen.spec.errors import Location, SpecError, SpecIssue

if TYPE_CHECKING:
    import jsonschema

AVRO_FORMATS = (
    "application/vnd.apache.avro;version=1.9.0",
    "application/vnd.apache.avro+json;version=1.9.0",
)
SCHEMA_FILE = "3.0.0-without-$id.json"
SCHEMA_ENV = "CONTRACTGEN_ASYNCAPI_SCHEMA"
DATABASES = ("postgresql", "sqlserver")
# `x-compatibility` on a channel or message: the Avro compatibility mode its schema evolves under,
# as Schema Registry names them; `contractgen diff` enforces it before merge.
COMPATIBILITY_MODES = (
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
    "NONE",
)
DEFAULT_COMPATIBILITY = "BACKWARD"


@dataclass(frozen=True, eq=False)
class Message:
    name: str
    title: str
    description: str
    avro: dict[str, Any]
    aggregate_field: str
    examples: tuple[dict[str, Any], ...]
    where: Location
    compatibility: str | None = None
    """`x-compatibility` as declared on the message; None when it says nothing."""

    @property
    def full_name(self) -> str:
        return f"{self.avro['namespace']}.{self.avro['name']}"


@dataclass(frozen=True, eq=False)
class Channel:
    key: str
    address: str
    description: str
    partitions: int
    messages: tuple[Message, ...]
    where: Location
    compatibility: str | None = None
    """`x-compatibility` as declared on the channel; None when it says nothing."""


@dataclass(frozen=True, eq=False)
class AsyncOperation:
    key: str
    action: str
    channel: Channel
    messages: tuple[Message, ...]
    where: Location


@dataclass(frozen=True)
class AsyncApiSpec:
    path: Path
    title: str
    channels: tuple[Channel, ...]
    operations: tuple[AsyncOperation, ...]
    sent: tuple[Message, ...] = field(default=())
    received: tuple[tuple[Channel, Message], ...] = field(default=())
    databases: tuple[str, ...] = ("postgresql",)


def schema_path() -> Path:
    """The official AsyncAPI 3.0.0 JSON Schema, from the `@asyncapi/specs` npm package."""
    override = os.environ.get(SCHEMA_ENV)
    if override:
        return Path(override)
    packaged = Path(__file__).with_name("schemas") / SCHEMA_FILE  # in the wheel
    if packaged.is_file():
        return packaged
    relative = Path("node_modules/@asyncapi/specs/schemas") / SCHEMA_FILE
    for base in [Path(__file__).resolve().parents[2], Path.cwd() / "generator", Path.cwd()]:
        if (base / relative).is_file():
            return base / relative
    raise FileNotFoundError(
        "the AsyncAPI 3.0.0 JSON Schema (npm package @asyncapi/specs) is not installed: "
        "install contractgen from its wheel, run `make setup` here, or set " + SCHEMA_ENV
    )


@cache
def _schema() -> Any:
    return json.loads(schema_path().read_text(encoding="utf-8"))


@cache
def _validator() -> jsonschema.protocols.Validator:
    """The reference validator: slow, but it words each error and knows where it is."""
    import jsonschema  # only an invalid document needs it (~50 ms to import)

    validator_class = jsonschema.validators.validator_for(_schema())
    return validator_class(_schema())


@cache
def _fast_validator() -> jsonschema_rs.Validator:
    """The same schema compiled by jsonschema-rs: a valid document (the usual case) is known to
    be valid in milliseconds instead of seconds for large contracts."""
    return jsonschema_rs.validator_for(_schema())


def load_asyncapi(docs: Documents, path: Path) -> AsyncApiSpec:
    root = docs.root_node(path)
    if not isinstance(root.value, dict):
        raise SpecError.at(root.where, "an AsyncAPI document must be a mapping")
    issues = _schema_issues(root)
    issues.extend(docs.check_refs(path))
    if issues:
        raise SpecError(issues)
    messages: dict[tuple[Path, str], Message] = {}
    channels = tuple(
        _channel(docs, key, node, messages, issues)
        for key, node in items(docs, child(docs, root, "channels"))
    )
    operations = []
    if "operations" in root.value:
        for key, node in items(docs, child(docs, root, "operations")):
            operations.append(_operation(docs, key, node, channels, messages, issues))
    databases = root.value["info"].get("x-databases", ["postgresql"])
    if not isinstance(databases, list) or not set(databases) <= set(DATABASES) or not databases:
        where = root.where.child("info", "x-databases")
        issues.append(
            SpecIssue(where, f"must be a list of outbox databases among {list(DATABASES)}")
        )
    if issues:
        raise SpecError(issues)
    sent = _unique(m for op in operations if op.action == "send" for m in op.messages)
    received = tuple(
        dict.fromkeys(
            (op.channel, m) for op in operations if op.action == "receive" for m in op.messages
        )
    )
    title = str(root.value["info"]["title"])
    return AsyncApiSpec(path, title, channels, tuple(operations), sent, received, tuple(databases))


def _schema_issues(root: Node) -> list[SpecIssue]:
    if _fast_validator().is_valid(root.value):
        return []
    issues = []
    for error in _validator().iter_errors(root.value):
        best = _most_telling(error)
        where = root.where.child(*best.absolute_path)
        issues.append(SpecIssue(where, f"AsyncAPI 3.0.0 schema: {best.message}"))
    return issues


def _most_telling(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """The deepest sub-error of a oneOf/anyOf, skipping the 'or a Reference Object' branch,
    whose "'$ref' is a required property" says nothing about what is actually wrong."""
    context = [e for e in error.context or [] if not _is_reference_branch(e)]
    if not context:
        return error
    from jsonschema.exceptions import best_match

    best = best_match(context, key=_relevance)
    return _most_telling(best) if best is not None else error


def _is_reference_branch(error: jsonschema.ValidationError) -> bool:
    return error.validator == "required" and "'$ref'" in error.message


def _relevance(error: jsonschema.ValidationError) -> tuple[int, int]:
    # Deeper errors point closer to the mistake; among equals prefer enum/const/type ones.
    specific = error.validator in ("enum", "const", "type", "pattern", "additionalProperties")
    return (len(error.absolute_path), int(specific))


def _channel(
    docs: Documents,
    key: str,
    node: Node,
    messages: dict[tuple[Path, str], Message],
    issues: list[SpecIssue],
) -> Channel:
    spec = node.value
    channel_messages = []
    if "messages" in spec:
        for _, message_node in items(docs, child(docs, node, "messages")):
            message = _message(docs, message_node, messages, issues)
            if message is not None:
                channel_messages.append(message)
    address = spec.get("address")
    if not isinstance(address, str) or not address:
        issues.append(
            SpecIssue(node.where.child("address"), "a channel needs an address (the Kafka topic)")
        )
    partitions = spec.get("bindings", {}).get("kafka", {}).get("partitions", 1)
    return Channel(
        key,
        str(address),
        str(spec.get("description", "")),
        int(partitions),
        tuple(channel_messages),
        node.where,
        _compatibility(spec, node.where, issues),
    )


def _compatibility(spec: dict[str, Any], where: Location, issues: list[SpecIssue]) -> str | None:
    mode = spec.get("x-compatibility")
    if mode is not None and mode not in COMPATIBILITY_MODES:
        issues.append(
            SpecIssue(
                where.child("x-compatibility"),
                f"must be one of {', '.join(COMPATIBILITY_MODES)} (got {mode!r})",
            )
        )
        return None
    return None if mode is None else str(mode)


def _message(
    docs: Documents, node: Node, messages: dict[tuple[Path, str], Message], issues: list[SpecIssue]
) -> Message | None:
    identity = (node.path, node.pointer)
    if identity in messages:
        return messages[identity]
    spec = node.value
    name = spec.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        issues.append(
            SpecIssue(node.where.child("name"), "a message needs a name that is an identifier")
        )
        return None
    payload = spec.get("payload", {})
    if not isinstance(payload, dict) or payload.get("schemaFormat") not in AVRO_FORMATS:
        issues.append(
            SpecIssue(
                node.where.child("payload"),
                f"the payload must be an Avro schema (schemaFormat {AVRO_FORMATS[0]})",
            )
        )
        return None
    payload_node = docs.deref(child(docs, child(docs, node, "payload"), "schema"))
    avro = payload_node.value
    found = len(issues)
    _check_avro(avro, payload_node.where, issues)
    aggregate = spec.get("x-aggregate-id")
    field_names = [f.get("name") for f in avro.get("fields", [])] if isinstance(avro, dict) else []
    if aggregate not in field_names:
        issues.append(
            SpecIssue(
                node.where.child("x-aggregate-id"),
                f"must name a payload field (one of {field_names})",
            )
        )
    examples = tuple(e.get("payload", {}) for e in spec.get("examples", []) if isinstance(e, dict))
    if len(issues) == found:
        for index, example in enumerate(examples):
            _check_example(avro, example, node.where.child("examples", index, "payload"), issues)
    message = Message(
        name=name,
        title=str(spec.get("title", name)),
        description=str(spec.get("description", spec.get("summary", ""))),
        avro=avro if isinstance(avro, dict) else {},
        aggregate_field=str(aggregate),
        examples=examples,
        where=node.where,
        compatibility=_compatibility(spec, node.where, issues),
    )
    messages[identity] = message
    return message


def _check_avro(avro: Any, where: Location, issues: list[SpecIssue]) -> None:
    if not isinstance(avro, dict) or avro.get("type") != "record":
        issues.append(SpecIssue(where, "the Avro payload must be a record"))
        return
    if not avro.get("namespace"):
        issues.append(SpecIssue(where.child("namespace"), "the Avro record needs a namespace"))
    try:
        fastavro.parse_schema(avro, _write_hint=False, _force=True)
    except Exception as error:  # fastavro raises several types for bad schemas
        issues.append(SpecIssue(where, f"not a valid Avro schema: {error}"))


def _check_example(
    avro: dict[str, Any], example: Any, where: Location, issues: list[SpecIssue]
) -> None:
    try:
        avro_validate(
            example_datum(avro, example),
            fastavro.parse_schema(avro, _force=True),
            raise_errors=True,
        )
    except Exception as error:
        issues.append(SpecIssue(where, f"example does not match the Avro schema: {error}"))


def example_datum(avro: dict[str, Any], example: Any) -> Any:
    """An example as written in YAML, with ISO timestamps turned into datetimes for Avro."""
    if not isinstance(example, dict):
        return example
    datum = dict(example)
    for avro_field in avro.get("fields", []):
        name, kind = avro_field["name"], avro_field["type"]
        is_timestamp = isinstance(kind, dict) and kind.get("logicalType", "").startswith(
            "timestamp"
        )
        if is_timestamp and isinstance(datum.get(name), str):
            datum[name] = datetime.fromisoformat(datum[name])
    return datum


def _operation(
    docs: Documents,
    key: str,
    node: Node,
    channels: tuple[Channel, ...],
    messages: dict[tuple[Path, str], Message],
    issues: list[SpecIssue],
) -> AsyncOperation:
    spec = node.value
    channel_ref = child(docs, node, "channel")
    channel_node = docs.deref(channel_ref)
    channel = next((c for c in channels if c.where == channel_node.where), None)
    if channel is None:
        issues.append(
            SpecIssue(channel_ref.where, "must reference a channel of this document's #/channels")
        )
        return AsyncOperation(
            key, str(spec.get("action")), Channel(key, "", "", 1, (), node.where), (), node.where
        )
    allowed = {
        (entry.path, entry.pointer): entry
        for entry in (
            child(docs, child(docs, channel_node, "messages"), k)
            for k in channel_node.value.get("messages", {})
        )
    }
    op_messages = []
    refs = spec.get("messages", [])
    for index in range(len(refs)):
        ref_node = child(docs, child(docs, node, "messages"), index)
        target = docs.resolve_ref(ref_node) if "$ref" in ref_node.value else ref_node
        if (target.path, target.pointer) not in allowed:
            issues.append(
                SpecIssue(
                    ref_node.where, f"message is not one of channel {channel.key!r}'s messages"
                )
            )
            continue
        resolved = docs.deref(target)
        message = messages.get((resolved.path, resolved.pointer))
        if message is not None:
            op_messages.append(message)
    if not refs:
        op_messages = list(channel.messages)
    return AsyncOperation(key, str(spec.get("action")), channel, tuple(op_messages), node.where)


def _unique(messages: Any) -> tuple[Message, ...]:
    return tuple(dict.fromkeys(messages))
