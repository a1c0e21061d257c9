"""Dead letters that are confirmed: a message set aside counts as handled only once the
dead-letter topic has acknowledged it.

The consumer commits a dead-lettered message's offset only after `deliver` returned; while Kafka
refuses the record (topic missing, record too large for the topic, broker down, ACLs), `deliver`
raises `DeadLetterRefused` and the consumer retries the same message instead of moving on.
"""

from __future__ import annotations

from collections.abc import Mapping

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from contractgen.topics import dead_letter_topic

DEFAULT_ACK_TIMEOUT = 10.0


class DeadLetterRefused(Exception):
    """Kafka did not acknowledge the dead letter; nothing may be committed past its message."""


def dead_letter_headers(message: Message, reason: str) -> list[tuple[str, str | bytes | None]]:
    """The original headers, plus where the message came from and why it was set aside."""
    return [
        *(message.headers() or []),
        ("dlq.reason", reason.encode()),
        ("dlq.topic", str(message.topic()).encode()),
        ("dlq.partition", str(message.partition()).encode()),
        ("dlq.offset", str(message.offset()).encode()),
    ]


class DeadLetters:
    """A producer to `<topic>.dlq` that waits for the broker's acknowledgement of every record."""

    def __init__(
        self, client_config: Mapping[str, str], *, ack_timeout: float = DEFAULT_ACK_TIMEOUT
    ) -> None:
        self._config = {
            **client_config,
            "linger.ms": 0,
            # Idempotent: librdkafka's own retries never write a dead letter twice.
            "enable.idempotence": True,
            # Every record gets its delivery report (success or error) within this time, so the
            # flush below always ends with a verdict and a retry never races a late success.
            "message.timeout.ms": int(ack_timeout * 1000),
        }
        self._flush_wait = ack_timeout + 5.0
        self._producer = Producer(self._config)

    def deliver(self, message: Message, reason: str) -> None:
        """Produce the dead letter of `message` and wait until the broker has it (blocking)."""
        reports: list[KafkaError | None] = []
        try:
            self._producer.produce(
                dead_letter_topic(str(message.topic())),
                value=message.value(),
                key=message.key(),
                headers=dead_letter_headers(message, reason),
                on_delivery=lambda error, _record: reports.append(error),
            )
        except (KafkaException, BufferError) as error:
            raise DeadLetterRefused(f"producing the dead letter failed: {error}") from error
        self._producer.flush(self._flush_wait)
        if not reports:
            raise DeadLetterRefused(f"no delivery report within {self._flush_wait:.0f} s")
        refusal = reports[0]
        if refusal is not None:
            if refusal.fatal():
                # An idempotent producer is unusable after a fatal error: start a new one.
                self._producer = Producer(self._config)
            raise DeadLetterRefused(f"the broker refused the dead letter: {refusal}")

    def close(self, timeout: float = 10.0) -> None:
        self._producer.flush(timeout)
