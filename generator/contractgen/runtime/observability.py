"""Per request: an id, the trace context, one JSON log line and Prometheus metrics.

`ObservabilityMiddleware` is a pure ASGI middleware that `create_app` puts in front of Connexion's
exception handling, so it sees every response, problems included. The metrics are not served on
the app's own port (which an ingress exposes): `serving_metrics` serves them on a port of their
own, `METRICS_PORT`, for Prometheus inside the cluster.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import re
import sys
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from time import perf_counter, time
from typing import Any
from wsgiref.simple_server import WSGIServer

from connexion.middleware.abstract import ROUTING_CONTEXT
from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contractgen.runtime.tracing import set_traceparent

"""The metrics port in containers (the generated manifests set `METRICS_PORT` to it)."""
UNMATCHED = "unmatched"
# Anything else is counted as OTHER: a client must not be able to invent label values.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
access_log = logging.getLogger("contractgen.access")


# A request id made here: a random 64-bit prefix per process (a forked child draws its own) and a
# counter, 32 hex digits like a uuid4's; unique across processes as uuid4 is, at a sixth of its
# cost (no os.urandom per request).
_id_prefix = ""
_id_counter = itertools.count()


def _new_id_prefix() -> None:
    global _id_prefix, _id_counter
    _id_prefix = os.urandom(8).hex()
    _id_counter = itertools.count()


_new_id_prefix()
os.register_at_fork(after_in_child=_new_id_prefix)


def _new_request_id() -> str:
    return f"{_id_prefix}{next(_id_counter):016x}"


def current_request_id() -> str | None:
    """The id of the request being handled, if any."""
    return _request_id.get()


# LogRecord's own attributes; everything else on a record came in through `extra=`, except
# uvicorn's `color_message`, an ANSI-coloured copy of the message.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


# One encoder for every line: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and the `extra` fields."""

    # The time up to the second, for the second it was made in: formatted once per second.
    _second: tuple[int, str] = (-1, "")

    def _time(self, created: float) -> str:
        """RFC 3339 in UTC to the millisecond, as `datetime.isoformat(timespec="milliseconds")`."""
        second = int(created)
        microseconds = round((created - second) * 1_000_000)  # rounded as datetime rounds it
        if microseconds == 1_000_000:
            second, microseconds = second + 1, 0
        if second != self._second[0]:
            text = datetime.fromtimestamp(second, UTC).isoformat(timespec="seconds")
            self._second = (second, text[: -len("+00:00")])
        return f"{self._second[1]}.{microseconds // 1000:03d}+00:00"

    def format(self, record: logging.LogRecord) -> str:
        entry = self._entry(record.created, record.levelname, record.name, record.getMessage())
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES:
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return _ENCODER.encode(entry)

    def format_access(self, created: float, fields: Mapping[str, object]) -> str:
        """The line `format` makes of the access log's INFO record "request" with `fields` as
        its `extra`, without the record."""
        entry = self._entry(created, "INFO", access_log.name, "request")
        entry.update(fields)
        return _ENCODER.encode(entry)

    def _entry(self, created: float, level: str, logger: str, message: str) -> dict[str, object]:
        entry: dict[str, object] = {
            "time": self._time(created),
            "level": level,
            "logger": logger,
            "message": message,
        }
        request_id = _request_id.get()
        if request_id is not None:
            entry["request_id"] = request_id
        return entry


def _access_handler() -> logging.StreamHandler[Any] | None:
    """The only handler the access log's records reach, when that is `configure_logging`'s JSON
    handler on the root logger and no filter or other handler is on the way; else None."""
    logger: logging.Logger | None = access_log
    while logger is not None:
        if logger.filters or logger.disabled:
            return None
        if logger.handlers:
            if logger is not logging.root or len(logger.handlers) != 1:
                return None
            handler = logger.handlers[0]
            if (
                type(handler) is not logging.StreamHandler
                or type(handler.formatter) is not JsonFormatter
                or handler.filters
                or handler.level > logging.INFO
            ):
                return None
            return handler
        if not logger.propagate:
            return None
        logger = logger.parent
    return None


def log_access(fields: Mapping[str, object]) -> None:
    """The access log's line for one request. Through `configure_logging`'s own handler it is
    written directly, as that handler would write it, without a `LogRecord` and the logging
    module's dispatch (a record per request costs more than answering some requests); any other
    set-up gets the record."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    handler = _access_handler()
    if handler is None:
        access_log.info("request", extra=dict(fields))
        return
    formatter = handler.formatter
    assert isinstance(formatter, JsonFormatter)
    try:
        line = formatter.format_access(time(), fields)
        with handler.lock or contextlib.nullcontext():
            handler.stream.write(line + handler.terminator)
            handler.flush()
    except RecursionError:
        raise
    except Exception:
        handler.handleError(
            access_log.makeRecord(access_log.name, logging.INFO, "", 0, "request", (), None)
        )


def configure_logging(level: str | int = "INFO") -> None:
    """Send every log record to stderr as JSON; call once at start-up, never at import."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    # A line names no thread, process or source line: don't collect them for every record (the
    # logging HOWTO's "Optimization"; the access log writes a record per request).
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging._srcfile = None
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Uvicorn's loggers should go through the same handler; our access line replaces its own.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


class HttpMetrics:
    """Request count and latency by service, method, route template and status, in one registry."""

    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        labels = ("service", "method", "route", "status")
        self._requests = Counter(
            "http_requests", "HTTP requests answered.", labels, registry=self.registry
        )
        self._latency = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request.",
            labels,
            registry=self.registry,
        )
        self._service = service
        # Label lookups validate and lock; the label space is small, so keep the children.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            values = (self._service, method, route, str(status))
            children = (self._requests.labels(*values), self._latency.labels(*values))
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)


@dataclass(frozen=True)
class MetricsListener:
    """Where a process serves its metrics: a port of its own, loopback unless told otherwise."""

    host: str
    port: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MetricsListener | None:
        """`METRICS_PORT` (unset or empty: no metrics served) and `METRICS_HOST` (default
        127.0.0.1; containers set 0.0.0.0 so that Prometheus can scrape the pod)."""
        env = os.environ if environ is None else environ
        port = env.get("METRICS_PORT", "").strip()
        if not port:
            return None
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"METRICS_PORT must be a port number, not {port!r}")
        return cls(env.get("METRICS_HOST") or "127.0.0.1", int(port))


Lifespan = Callable[[object], AbstractAsyncContextManager[None]]


def serving_metrics(
    metrics: HttpMetrics, listener: MetricsListener | None, inner: Lifespan | None
) -> Lifespan | None:
    """A lifespan that serves `metrics` on `listener` while the app runs, around `inner`."""
    if listener is None:
        return inner

    log = logging.getLogger("contractgen.metrics")
    url = f"http://{listener.host}:{listener.port}/metrics"

    @asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[None]:
        started: tuple[WSGIServer, threading.Thread] | None = None
        try:
            started = start_http_server(listener.port, listener.host, metrics.registry)
        except OSError as error:
            # Metrics matter less than serving: a taken port is logged, not fatal.
            log.error("metrics not served: %s", error, extra={"metrics_url": url})
        else:
            log.info("metrics served", extra={"metrics_url": url})
        try:
            if inner is None:
                yield
            else:
                async with inner(app):
                    yield
        finally:
            if started is not None:
                server, thread = started
                server.shutdown()
                server.server_close()
                thread.join(timeout=5)

    return lifespan


class ObservabilityMiddleware:
    """Request id in and out, trace context, an access log line and metrics for each request."""

    def __init__(
        self, app: ASGIApp, *, service: str, routes: Mapping[str, str], metrics: HttpMetrics
    ) -> None:
        self.app = app
        self._service = service
        self._routes = routes
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = perf_counter()
        incoming_id = traceparent = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming_id = value
            elif name == b"traceparent":
                traceparent = value
        if incoming_id is not None and _SANE_REQUEST_ID.fullmatch(incoming_id):
            request_id = incoming_id.decode("ascii")
        else:
            request_id = _new_request_id()
        token = _request_id.set(request_id)
        set_traceparent(None if traceparent is None else traceparent.decode("latin-1"))
        id_header = (b"x-request-id", request_id.encode("ascii"))
        status = 500  # what the client gets if the app raises before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        # Connexion's router copies the scope but records the matched operation in this dict.
        extensions = scope.setdefault("extensions", {})
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, extensions, status, perf_counter() - start, request_id)
            _request_id.reset(token)

    def _record(
        self,
        scope: Scope,
        extensions: Mapping[str, Mapping[str, object]],
        status: int,
        seconds: float,
        request_id: str,
    ) -> None:
        routing = extensions.get(ROUTING_CONTEXT)
        operation_id = routing.get("operation_id") if routing else None
        route = (
            self._routes.get(operation_id, UNMATCHED)
            if isinstance(operation_id, str)
            else UNMATCHED
        )
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        self._metrics.observe(method, route, status, seconds)
        log_access(
            {
                "service": self._service,
                "method": scope["method"],
                "path": scope["path"],
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "request_id": request_id,
            }
        )
