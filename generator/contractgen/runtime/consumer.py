"""Dispatching received events to the generated consumer interface's methods."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from contractgen.runtime.avro import Event
from contractgen.runtime.interfaces import check_interface
from contractgen.runtime.writes import Writes


@dataclass(frozen=True)
class EventMeta:
    """What travels beside the payload: Debezium's outbox headers and the Kafka position."""

    event_id: uuid.UUID
    event_type: str
    topic: str
    key: str
    partition: int = 0
    offset: int = 0
    schema_id: str | None = None
    traceparent: str | None = None
    occurred_at: datetime | None = None
    connection: AsyncConnection | None = field(default=None, compare=False, repr=False)
    """The transaction the consumer opened for this event: write through it, and the writes,
    the inbox record and (after commit) the Kafka offset stand or fall together."""
    writes: Writes | None = field(default=None, compare=False, repr=False)
    """Where the consumer loop collects rows to insert once the batch's handlers have run, in
    the same transaction (see `contractgen.runtime.writes`); None outside the loop."""


@dataclass(frozen=True)
class Subscription:
    topic: str
    event_type: type[Event]
    method: str


class UndecodableEvent(ValueError):
    """A message that does not match any contract this consumer knows; it goes to the dead letters."""


Handler = Callable[[Event, EventMeta], Awaitable[None]]


class Dispatcher:
    """Maps (topic, event type) to the decoder and the handler method, checked at start-up."""

    def __init__(
        self, handlers: object, subscriptions: Sequence[Subscription], interface: type | None = None
    ) -> None:
        methods = [
            (sub.method, f"{sub.event_type.__name__} on {sub.topic}") for sub in subscriptions
        ]
        # The generated consumer passes its interface; without one, check against the handlers'
        # own class (presence and `async` only).
        check_interface(handlers, interface or type(handlers), methods, "consumer handlers")
        self._routes: dict[tuple[str, str], tuple[type[Event], Handler]] = {
            (sub.topic, sub.event_type.event_type()): (
                sub.event_type,
                getattr(handlers, sub.method),
            )
            for sub in subscriptions
        }

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(sorted({topic for topic, _ in self._routes}))

    def decode(
        self, topic: str, event_type: str | None, payload: bytes | None
    ) -> tuple[Event, Handler]:
        route = self._routes.get((topic, event_type or ""))
        if route is None:
            raise UndecodableEvent(f"no contract for event type {event_type!r} on topic {topic!r}")
        if payload is None:
            raise UndecodableEvent("the message has no payload")
        cls, handler = route
        try:
            # Framed: the writer's schema (by id, cached) is resolved into this contract's.
            return cls.from_framed(payload), handler
        except Exception as error:  # unknown id, incompatible writer, corrupt Avro
            raise UndecodableEvent(
                f"payload does not decode as {cls.__name__}: {type(error).__name__}: {error}"
            ) from error

    async def dispatch(self, event: Event, handler: Handler, meta: EventMeta) -> None:
        await handler(event, meta)


def headers_dict(
    headers: Mapping[str, str | bytes | None] | Sequence[tuple[str, str | bytes | None]] | None,
) -> Mapping[str, str]:
    """Kafka headers as text; the last value wins for a repeated key."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers or ()
    return {
        key: value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        for key, value in pairs
        if value is not None
    }
