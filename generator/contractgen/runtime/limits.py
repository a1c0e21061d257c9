"""Request body size limit: an oversized body is answered 413 and never reaches a handler."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY_BYTES = 64 * 1024
# HTTP/1.x has a body only with Content-Length or Transfer-Encoding (RFC 9112, section 6.3).
_HTTP1 = frozenset({"1.0", "1.1"})


class _Disconnected(Exception):
    """The client went away while we read its body."""


def problem(status: int, title: str, detail: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Headers and body of an `application/problem+json` response."""
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    encoded = body.encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(encoded)).encode("ascii")),
    ]
    return headers, encoded


class BodyLimitMiddleware:
    """Answer 413 for a body over `max_body_bytes`: by Content-Length, or by counting a stream."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self._too_large = problem(
            413, "Content Too Large", f"The request body is larger than {max_body_bytes} bytes."
        )
        self._bad_length = problem(400, "Bad Request", "The Content-Length header is not a number.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length: bytes | None = None
        streamed = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                streamed = True
        if length is not None:
            if not length.isdigit():
                await _answer(send, self._bad_length, 400)
            elif int(length) > self.max_body_bytes:
                await _answer(send, self._too_large, 413)
            else:
                # The server stops the body at Content-Length, so there is nothing to count.
                await self.app(scope, receive, send)
            return
        if not streamed and scope.get("http_version", "1.1") in _HTTP1:
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read(receive)
        except _Disconnected:
            return
        if body is None:
            await _answer(send, self._too_large, 413)
            return
        # Read it all before the app runs, so no handler starts on a body that turns out too big;
        # Connexion's validators only see a body announced by Content-Length, so announce it.
        headers = [(n, v) for n, v in scope["headers"] if n != b"transfer-encoding"]
        headers.append((b"content-length", str(len(body)).encode("ascii")))
        await self.app({**scope, "headers": headers}, replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the buffered body once, then whatever the server sends next."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive_again() -> Message:
        return pending.pop() if pending else await receive()

    return receive_again


async def _answer(
    send: Send, response: tuple[list[tuple[bytes, bytes]], bytes], status: int
) -> None:
    headers, body = response
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
