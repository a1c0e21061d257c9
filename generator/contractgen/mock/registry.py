"""Mocked events in the Confluent wire format: the contract's schemas registered (or looked up)
in the schema registry exactly as the producing service registers them at start-up, so that a
mocked event carries the id the real one would."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from contractgen.gen.events import avsc_text
from contractgen.runtime.registry import RegistryClient, minified, subject_name
from contractgen.spec.asyncapi import DEFAULT_COMPATIBILITY, Channel, Message


def register_messages(
    url: str,
    messages: Iterable[tuple[Channel, Message]],
    *,
    credentials: tuple[str, str] = ("", ""),
    strategy: str = "topic-record",
) -> Mapping[str, int]:
    """Message name -> schema id; the text registered is the generated `.avsc`'s, minified."""
    client = RegistryClient(url, *credentials)
    ids: dict[str, int] = {}
    try:
        for channel, message in messages:
            if message.name in ids:
                continue
            subject = subject_name(channel.address, message.full_name, strategy)
            mode = message.compatibility or channel.compatibility or DEFAULT_COMPATIBILITY
            client.set_compatibility(subject, mode)
            ids[message.name] = client.register(subject, minified(json.loads(avsc_text(message))))
    finally:
        client.close()
    return ids
