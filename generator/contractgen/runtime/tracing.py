"""W3C trace context for the current request, carried into the outbox rows it writes."""

from __future__ import annotations

import os
import random
import re
from contextvars import ContextVar

_TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
_current: ContextVar[str | None] = ContextVar("traceparent", default=None)
# Trace and span ids need to be random, not secret (W3C trace context): a generator of the
# process's own, seeded from the OS and again in a forked child, at a tenth of the cost of
# `secrets` (a system call per id).
_ids = random.Random()
os.register_at_fork(after_in_child=_ids.seed)


def current_traceparent() -> str | None:
    return _current.get()


def set_traceparent(header: str | None) -> str:
    """Adopt an incoming `traceparent` header when valid, else start a new trace; return it."""
    if header is None or not _TRACEPARENT.match(header):
        trace, span = _ids.getrandbits(128) or 1, _ids.getrandbits(64) or 1  # all zero: invalid
        header = f"00-{trace:032x}-{span:016x}-01"
    _current.set(header)
    return header
