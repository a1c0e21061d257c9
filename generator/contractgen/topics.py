"""Conventions about Kafka topics that the generator, the runtime and the stack share."""

from __future__ import annotations

DLQ_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    """Where a consumer of `topic` puts the messages it cannot apply."""
    return topic + DLQ_SUFFIX
