"""AsyncAPI rules: channels, addresses, partitions, operations, messages, keys and headers."""

from __future__ import annotations

from typing import Any

from contractgen.diff.findings import CODE, SAFE, WIRE, Findings
from contractgen.spec.asyncapi import AsyncApiSpec, Channel, Message
from contractgen.spec.documents import Documents
from contractgen.spec.errors import Location


def raw(docs: Documents, where: Location) -> Any:
    """The spec object at `where`, `$ref`s followed."""
    return docs.deref(docs.walk(docs.root / where.file, where.pointer, where)).value


def compare_asyncapi(
    out: Findings,
    old: AsyncApiSpec,
    new: AsyncApiSpec,
    old_docs: Documents,
    new_docs: Documents,
) -> None:
    old_channels = {c.key: c for c in old.channels}
    new_channels = {c.key: c for c in new.channels}
    by_address = {c.address: c for c in new.channels}
    for key, before in old_channels.items():
        after = new_channels.get(key)
        if after is not None:
            _channel(out, before, after, old_docs, new_docs)
            continue
        moved = by_address.get(before.address)
        if moved is not None and moved.key not in old_channels:
            out.add(
                moved.where,
                "asyncapi.channel.renamed",
                CODE,
                f"channel {key} -> {moved.key} (same topic {before.address}): $refs to "
                f"#/channels/{key} from other contracts no longer resolve",
            )
            _channel(out, before, moved, old_docs, new_docs)
            continue
        out.add(
            before.where,
            "asyncapi.channel.removed",
            WIRE,
            f"channel {key} ({before.address}) is gone",
            deprecated=raw(old_docs, before.where),
        )
    old_addresses = {c.address for c in old.channels}
    for key, after in new_channels.items():
        if key not in old_channels and after.address not in old_addresses:
            out.add(
                after.where, "asyncapi.channel.added", SAFE, f"new channel {key} ({after.address})"
            )
    _operations(out, old, new)


def _channel(
    out: Findings, before: Channel, after: Channel, old_docs: Documents, new_docs: Documents
) -> None:
    if before.address != after.address:
        out.add(
            after.where.child("address"),
            "asyncapi.channel.address-changed",
            WIRE,
            f"channel {after.key}: topic {before.address} -> {after.address} (consumers read the old one)",
        )
    if after.partitions < before.partitions:
        out.add(
            after.where.child("bindings", "kafka", "partitions"),
            "asyncapi.channel.partitions-decreased",
            WIRE,
            f"channel {after.key}: partitions {before.partitions} -> {after.partitions} "
            "(Kafka cannot shrink a topic; keys would move between partitions)",
        )
    elif after.partitions > before.partitions:
        out.add(
            after.where.child("bindings", "kafka", "partitions"),
            "asyncapi.channel.partitions-increased",
            SAFE,
            f"channel {after.key}: partitions {before.partitions} -> {after.partitions} "
            "(new keys spread wider; ordering holds per key from then on)",
        )
    old_messages = {m.name: m for m in before.messages}
    new_messages = {m.name: m for m in after.messages}
    for name, message in old_messages.items():
        if name not in new_messages:
            out.add(
                message.where,
                "asyncapi.channel.message-removed",
                WIRE,
                f"channel {after.key} no longer carries {name}",
                deprecated=raw(old_docs, message.where),
            )
        else:
            _message(out, message, new_messages[name], old_docs, new_docs)
    for name, message in new_messages.items():
        if name not in old_messages:
            out.add(
                message.where,
                "asyncapi.channel.message-added",
                SAFE,
                f"channel {after.key} carries {name}",
            )


def _message(
    out: Findings, before: Message, after: Message, old_docs: Documents, new_docs: Documents
) -> None:
    if before.aggregate_field != after.aggregate_field:
        out.add(
            after.where.child("x-aggregate-id"),
            "asyncapi.message.key-changed",
            WIRE,
            f"{after.name}: key {before.aggregate_field} -> {after.aggregate_field} "
            "(events of one aggregate land on other partitions, out of order)",
        )
    old_spec, new_spec = raw(old_docs, before.where), raw(new_docs, after.where)
    old_key = _get(old_spec, "bindings", "kafka", "key")
    new_key = _get(new_spec, "bindings", "kafka", "key")
    if _shape(old_key) != _shape(new_key):
        out.add(
            after.where.child("bindings", "kafka", "key"),
            "asyncapi.message.key-changed",
            WIRE,
            f"{after.name}: the Kafka key binding changed ({_shape(old_key)} -> {_shape(new_key)})",
        )
    old_headers = _header_names(old_docs, old_spec, before.where)
    new_headers = _header_names(new_docs, new_spec, after.where)
    for name in sorted(old_headers - new_headers):
        out.add(
            after.where.child("headers"),
            "asyncapi.message.header-removed",
            WIRE,
            f"{after.name}: header {name!r} is no longer documented (consumers reading it break)",
        )


def _operations(out: Findings, old: AsyncApiSpec, new: AsyncApiSpec) -> None:
    new_ops = {op.key: op for op in new.operations}
    for before in old.operations:
        after = new_ops.get(before.key)
        if after is None:
            sends = before.action == "send"
            out.add(
                before.where,
                "asyncapi.operation.removed",
                WIRE if sends else SAFE,
                f"operation {before.key} ({before.action} on {before.channel.address}) is gone"
                + ("" if sends else ": this service stops consuming, producers are unaffected"),
            )
            continue
        # A channel renamed or readdressed is the channel's finding; here only another channel
        # (neither its key nor its address kept) or another action counts.
        moved = (
            before.channel.key != after.channel.key
            and before.channel.address != after.channel.address
        )
        if before.action != after.action or moved:
            out.add(
                after.where,
                "asyncapi.operation.changed",
                WIRE,
                f"operation {after.key}: {before.action} on {before.channel.key} -> "
                f"{after.action} on {after.channel.key}",
            )
        kept = {m.name for m in after.messages}
        for message in before.messages:
            if message.name not in kept:
                out.add(
                    after.where.child("messages"),
                    "asyncapi.operation.message-removed",
                    WIRE,
                    f"operation {after.key} no longer {'sends' if after.action == 'send' else 'receives'} {message.name}",
                )
    old_keys = {op.key for op in old.operations}
    for after in new.operations:
        if after.key not in old_keys:
            out.add(
                after.where,
                "asyncapi.operation.added",
                SAFE,
                f"new operation {after.key} ({after.action})",
            )


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _shape(schema: Any) -> Any:
    """A key schema without its prose: a changed description is not a changed key."""
    if isinstance(schema, dict):
        return {
            k: _shape(v)
            for k, v in sorted(schema.items())
            if k not in ("description", "title", "examples")
        }
    return schema


def _header_names(docs: Documents, spec: Any, where: Location) -> set[str]:
    if not isinstance(spec, dict) or "headers" not in spec:
        return set()
    headers = raw(docs, where.child("headers"))
    props = headers.get("properties", {}) if isinstance(headers, dict) else {}
    return set(props) if isinstance(props, dict) else set()
