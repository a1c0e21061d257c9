"""Dead letters without a broker to take them: the produce is reported as refused (never as done),
and a long refusal is logged sparsely. The broker refusing for real: tests/stack/test_dead_letters.py."""

from __future__ import annotations

from typing import Any

import pytest
from confluent_kafka import Message

from contractgen.runtime.dead_letters import DeadLetterRefused, DeadLetters, dead_letter_headers
from contractgen.runtime.kafka_consumer import _worth_logging
from tests.conftest import free_port


class Received:
    """What a consumer hands over: the parts of a Kafka message the dead letter copies."""

    def __init__(self, headers: list[tuple[str, bytes | None]] | None) -> None:
        self._headers = headers

    def topic(self) -> str:
        return "orders"

    def partition(self) -> int:
        return 2

    def offset(self) -> int:
        return 41

    def key(self) -> bytes:
        return b"k"

    def value(self) -> bytes:
        return b"v"

    def headers(self) -> Any:
        return self._headers


def as_message(received: Received) -> Message:
    return received  # type: ignore[return-value]


def test_the_dead_letter_keeps_the_headers_and_says_where_it_came_from_and_why() -> None:
    headers = dead_letter_headers(as_message(Received([("id", b"1"), ("empty", None)])), "bad")
    assert headers == [
        ("id", b"1"),
        ("empty", None),
        ("dlq.reason", b"bad"),
        ("dlq.topic", b"orders"),
        ("dlq.partition", b"2"),
        ("dlq.offset", b"41"),
    ]


def test_without_a_broker_the_dead_letter_is_refused_not_taken_for_delivered() -> None:
    nowhere = {"bootstrap.servers": f"127.0.0.1:{free_port()}", "log_level": "0"}
    dead_letters = DeadLetters(nowhere, ack_timeout=1.0)
    with pytest.raises(DeadLetterRefused, match=r"refused|no delivery report"):
        dead_letters.deliver(as_message(Received(None)), "undecodable")
    dead_letters.close(timeout=1.0)


def test_a_long_refusal_is_logged_sparsely() -> None:
    logged = [n for n in range(1, 1001) if _worth_logging(n)]
    assert logged[:8] == [1, 2, 4, 8, 16, 32, 64, 128]
    assert len(logged) < 25
