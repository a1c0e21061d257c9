"""Liveness and readiness: the same two operations in every service's contract.

A service's handler class lists `Probes` first among its bases, so that its `get_health` and
`get_readiness` implement the contract's `getHealth` and `getReadiness` operations (each answers
`{"status": "ok"}`; readiness answers 503 while the database is unreachable)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from contractgen.runtime.clock import Clock, utc_now
from contractgen.runtime.problems import ServiceUnavailable

Ready = Callable[[], Awaitable[bool]]
U = TypeVar("U")


class Probes:
    def __init__(self, ready: Ready) -> None:
        self._ready = ready

    async def get_health(self) -> Any:
        """Alive as long as the process answers; touches nothing else."""
        return {"status": "ok"}

    async def get_readiness(self) -> Any:
        """Ready only while the database answers."""
        if not await self._ready():
            raise ServiceUnavailable("The database is unreachable.")
        return {"status": "ok"}


class UseCaseHandlers(Probes, Generic[U]):
    """The usual base of a service's handler class (before its generated interface): the probes,
    a fresh unit of work per request (`self._new_uow()`), and the clock (`self._clock()`)."""

    def __init__(self, new_uow: Callable[[], U], ready: Ready, clock: Clock = utc_now) -> None:
        super().__init__(ready)
        self._new_uow = new_uow
        self._clock = clock
