"""Mocked events onto a real Kafka, each delivery confirmed before the command reports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from confluent_kafka import KafkaError, Message, Producer

from contractgen.mock.events import Connector, KafkaRecord, PublishReport, publish
from contractgen.spec.asyncapi import Channel
from contractgen.spec.asyncapi import Message as ContractMessage


def publish_to_kafka(
    bootstrap_servers: str,
    stream: Iterator[tuple[Channel, ContractMessage, dict[str, Any]]],
    connector: Connector,
    *,
    count: int,
    rate: float,
    client_config: dict[str, str] | None = None,
    flush_timeout: float = 30.0,
    schema_ids: Mapping[str, int] | None = None,
) -> PublishReport:
    """`publish` through an idempotent producer; undelivered messages are listed in `failed`."""
    producer = Producer(
        {
            **(client_config or {}),
            "bootstrap.servers": bootstrap_servers,
            "enable.idempotence": True,
            "linger.ms": 5,
        }
    )
    failed: list[str] = []

    def delivered(error: KafkaError | None, message: Message) -> None:
        if error is not None:
            failed.append(f"{message.topic()}: {error}")

    def produce(record: KafkaRecord) -> None:
        while True:
            try:
                producer.produce(
                    record.topic,
                    value=record.value,
                    key=record.key,
                    headers=list[tuple[str, str | bytes | None]](record.headers),
                    on_delivery=delivered,
                )
                break
            except BufferError:
                producer.poll(0.1)  # the local queue is full: let deliveries drain
        producer.poll(0)

    report = publish(produce, stream, connector, count=count, rate=rate, schema_ids=schema_ids)
    remaining = producer.flush(flush_timeout)
    if remaining:
        failed.append(f"{remaining} message(s) not delivered within {flush_timeout:.0f} s")
    report.failed.extend(failed)
    return report
