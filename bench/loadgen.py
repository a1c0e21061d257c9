"""An open-loop HTTP/1.1 load generator: requests leave on a fixed schedule, whatever the server does.

Small on purpose (asyncio streams, keep-alive connections, Content-Length bodies only) so that it
costs little CPU on a machine it shares with the servers it measures. Each reply carries the
time its request was due, the time it was written to the socket and the time its answer was read,
so a slow server cannot hide its queueing (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Reply:
    scheduled: float
    """time.time() the request was due."""
    sent: float
    """time.time() the request was written to its connection."""
    done: float
    """time.time() the whole response was read."""
    status: int
    body: bytes


@dataclass
class LoadResult:
    replies: list[Reply] = field(default_factory=list)
    errors: int = 0
    late_starts: int = 0
    """Requests that left more than 10 ms after their slot (the client itself was behind)."""
    unfinished: int = 0
    """Requests still waiting for an answer when the run gave up on them."""


# uvicorn closes a keep-alive connection after 5 s of silence; never reuse one that old.
IDLE_LIMIT = 3.0


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.idle_since = time.monotonic()

    async def exchange(self, request: bytes) -> tuple[float, int, bytes]:
        """Send `request`; the time it left, the status and the body of the answer."""
        sent = time.time()
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding":
                raise RuntimeError("chunked responses are not supported by this client")
        body = await self.reader.readexactly(length) if length else b""
        return sent, status, body

    def close(self) -> None:
        self.writer.close()


class OpenLoop:
    """POSTs `body()` to `url` at `rate` per second for `seconds`, on at most `max_connections`."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        body: Callable[[int], dict[str, Any]],
        max_connections: int = 64,
    ) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = parts.path
        self.headers = headers
        self.body = body
        self.max_connections = max_connections
        self._idle: list[_Connection] = []
        self._open = 0
        self._freed = asyncio.Condition()

    def _request(self, index: int) -> bytes:
        payload = json.dumps(self.body(index)).encode()
        head = [
            f"POST {self.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Content-Type: application/json",
            f"Content-Length: {len(payload)}",
            *(f"{k}: {v}" for k, v in self.headers.items()),
        ]
        return ("\r\n".join(head) + "\r\n\r\n").encode() + payload

    async def _acquire(self) -> _Connection:
        async with self._freed:
            while not self._idle and self._open >= self.max_connections:
                await self._freed.wait()
            while self._idle:
                connection = self._idle.pop()
                if time.monotonic() - connection.idle_since < IDLE_LIMIT:
                    return connection
                connection.close()
                self._open -= 1
            self._open += 1
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        except OSError:
            async with self._freed:
                self._open -= 1
                self._freed.notify()
            raise
        return _Connection(reader, writer)

    async def _release(self, connection: _Connection | None) -> None:
        async with self._freed:
            if connection is None:
                self._open -= 1
            else:
                connection.idle_since = time.monotonic()
                self._idle.append(connection)
            self._freed.notify()

    async def _one(self, index: int, scheduled: float, result: LoadResult) -> None:
        connection: _Connection | None = None
        try:
            connection = await self._acquire()
            sent, status, body = await connection.exchange(self._request(index))
            result.replies.append(Reply(scheduled, sent, time.time(), status, body))
        except (OSError, asyncio.IncompleteReadError, RuntimeError, ValueError):
            result.errors += 1
            if connection is not None:
                connection.close()
            connection = None
        finally:
            await self._release(connection)

    async def run(self, rate: float, seconds: float) -> LoadResult:
        result = LoadResult()
        count = int(rate * seconds)
        tasks = set()
        start_wall, start = time.time(), time.monotonic()
        for index in range(count):
            due = start + index / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.01:
                result.late_starts += 1
            task = asyncio.create_task(self._one(index, start_wall + index / rate, result))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=30)
            result.unfinished = len(pending)
            for task in pending:
                task.cancel()
        for connection in self._idle:
            connection.close()
        self._idle.clear()
        return result
