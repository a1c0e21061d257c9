"""`create_app`: a Connexion 3 app whose operations are bound to a handler object's methods.

Connexion reads the packaged OpenAPI document and does routing and validation; this module binds
each operationId to a method of the object it is given, checked at start-up, and puts the
observability and body-limit middlewares in front of every service.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import connexion
from connexion.jsonifier import JSONEncoder, Jsonifier
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from starlette.responses import Response

from contractgen.runtime.allow import AllowMiddleware
from contractgen.runtime.fast_path import FastPathMiddleware
from contractgen.runtime.interfaces import HandlerError, check_interface
from contractgen.runtime.limits import DEFAULT_MAX_BODY_BYTES, BodyLimitMiddleware
from contractgen.runtime.observability import (
    HttpMetrics,
    MetricsListener,
    ObservabilityMiddleware,
    serving_metrics,
)
from contractgen.runtime.outages import answer_outages
from contractgen.runtime.security import (
    PRINCIPAL,
    Principal,
    TokenVerifier,
    bearer_security_map,
    bearer_token_info,
)
from contractgen.runtime.servers import ServerListMiddleware
from contractgen.runtime.validators import validator_map


class _Jsonifier(Jsonifier):
    """Connexion's jsonifier, its encoder built once: `json.dumps(data, cls=...)` builds a new
    encoder at every call. The same output: the encoder is built with json.dumps's defaults."""

    def __init__(self) -> None:
        super().__init__()
        self._encode = JSONEncoder().encode

    def dumps(self, data: Any, **kwargs: Any) -> str:
        if kwargs:
            return super().dumps(data, **kwargs)  # type: ignore[no-any-return]
        return self._encode(data) + "\n"  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Binding:
    """How one operation meets the handler interface."""

    method: str
    status: int
    secured: bool
    route: str
    emits: tuple[str, ...] = ()


JSON_HEADERS = {"Content-Type": "application/json"}


Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]
"""Set-up and tear-down around serving (open pools, dispose of engines)."""


def check_handlers(handlers: object, interface: type, operations: Mapping[str, Binding]) -> None:
    """Fail at start-up, naming each operation whose handler is missing or has the wrong shape."""
    methods = [
        (binding.method, f"operation {operation_id} ({binding.route})")
        for operation_id, binding in operations.items()
    ]
    check_interface(handlers, interface, methods, "handlers")


def _endpoint(
    method: Callable[..., Awaitable[Any]], binding: Binding
) -> Callable[..., Awaitable[Any]]:
    """Wrap a handler method: the token's principal in, the documented success status out."""
    status = binding.status

    async def endpoint(**kwargs: Any) -> Any:
        if binding.secured:
            kwargs["principal"] = kwargs.pop("token_info")[PRINCIPAL]
        result = await method(**kwargs)
        if result is None:
            # A bare response: Connexion would label even an empty body with the only media
            # type the operation documents (problem+json).
            return Response(status_code=status)
        # The spec also documents problem+json responses: name the success media type.
        return result, status, JSON_HEADERS

    parameters = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for name, p in inspect.signature(method).parameters.items()
        if name != "principal"
    ]
    if binding.secured:
        parameters.append(inspect.Parameter("token_info", inspect.Parameter.KEYWORD_ONLY))
    # Connexion passes only the arguments a function declares: declare the handler's own.
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = binding.method
    return endpoint


class _HandlerResolver(Resolver):
    def __init__(self, endpoints: Mapping[str, Callable[..., Any]]) -> None:
        super().__init__()
        self._endpoints = endpoints

    def resolve_function_from_operation_id(self, operation_id: str) -> Callable[..., Any]:
        return self._endpoints[operation_id]


def service_name_of(interface: type) -> str:
    """`generated.orders.handlers.OrdersHandlers` belongs to the service `orders`."""
    parts = interface.__module__.split(".")
    return parts[-2] if len(parts) > 1 else parts[0]


_NO = frozenset({"0", "false", "no", "off"})


def create_app(
    *,
    spec: Path,
    handlers: object,
    interface: type,
    operations: Mapping[str, Binding],
    verify_token: TokenVerifier | None = None,
    validate_responses: bool = False,
    swagger_ui: bool = True,
    service_name: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    lifespan: Lifespan | None = None,
    fast_path: bool | None = None,
) -> connexion.AsyncApp:
    """The service's app: checked handlers, request ids, JSON access logs, body limit; metrics
    on `METRICS_PORT` while it runs; the Swagger UI unless `swagger_ui` or `SWAGGER_UI=false`
    says no. `fast_path` (default on, `FAST_PATH=false` turns it off) serves the operations it
    can check exactly as Connexion would without Connexion's per-request pipeline
    (`contractgen.runtime.fast_path`)."""
    check_handlers(handlers, interface, operations)
    service = service_name or service_name_of(interface)
    metrics = HttpMetrics(service)  # one registry per app: tests build many apps
    swagger_ui = swagger_ui and os.environ.get("SWAGGER_UI", "").lower() not in _NO
    endpoints = {
        operation_id: _endpoint(getattr(handlers, binding.method), binding)
        for operation_id, binding in operations.items()
    }
    if fast_path is None:
        fast_path = os.environ.get("FAST_PATH", "").lower() not in _NO
    token_info = bearer_token_info(verify_token)
    jsonifier = _Jsonifier()  # one for both paths, so that both serialise alike
    resolver = _HandlerResolver(endpoints)
    app = connexion.AsyncApp(
        interface.__module__,
        specification_dir=spec.parent,
        jsonifier=jsonifier,
        security_map=bearer_security_map(token_info),
        swagger_ui_options=connexion.options.SwaggerUIOptions(swagger_ui=swagger_ui),
        lifespan=serving_metrics(metrics, MetricsListener.from_env(), lifespan),
    )
    app.add_api(
        spec.name,
        resolver=resolver,
        strict_validation=True,
        validate_responses=validate_responses,
        pythonic_params=True,
        validator_map=validator_map(),
    )
    answer_outages(app)  # the database away: 503 with Retry-After, not 500
    # Outside Connexion's exception handling, so that problems are logged and counted too.
    app.add_middleware(
        ObservabilityMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        service=service,
        routes={op: binding.route.partition(" ")[2] for op, binding in operations.items()},
        metrics=metrics,
    )
    if fast_path:
        # Inside the exception handling, so that a handler's problems render as on Connexion's path.
        app.add_middleware(
            FastPathMiddleware,
            position=MiddlewarePosition.BEFORE_SWAGGER,
            spec=spec,
            resolver=resolver,
            endpoints=endpoints,
            arguments={op: inspect.signature(fn).parameters for op, fn in endpoints.items()},
            token_info=token_info,
            jsonifier=jsonifier,
            max_body_bytes=max_body_bytes,
            validate_responses=validate_responses,
        )
    # Swagger UI's server list: the address it was loaded from, then the contract's servers.
    app.add_middleware(ServerListMiddleware, position=MiddlewarePosition.BEFORE_SWAGGER, spec=spec)
    # A 405 lists every method of its path, not those of the first route that has it.
    app.add_middleware(
        AllowMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        routes=[binding.route for binding in operations.values()],
    )
    # After routing (a 413 is counted under its route), before the token's crypto and the body.
    app.add_middleware(
        BodyLimitMiddleware,
        position=MiddlewarePosition.BEFORE_SECURITY,
        max_body_bytes=max_body_bytes,
    )
    return app


__all__ = [
    "Binding",
    "HandlerError",
    "Principal",
    "check_handlers",
    "create_app",
    "service_name_of",
]
