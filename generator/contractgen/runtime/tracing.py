"""W3C trace context for the current request, carried into the outbox rows it writes."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

_TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
_current: ContextVar[str | None] = ContextVar("traceparent", default=None)


def current_traceparent() -> str | None:
    return _current.get()


def set_traceparent(header: str | None) -> str:
    """Adopt an incoming `traceparent` header when valid, else start a new trace; return it."""
    if header is None or not _TRACEPARENT.match(header):
        header = f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"
    _current.set(header)
    return header
