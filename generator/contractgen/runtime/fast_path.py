"""The fast path: operations served without Connexion's per-request pipeline, with the same checks.

Per request Connexion routes, checks the token, validates parameters and body, then decodes them
again for the handler, through some ten ASGI layers: on a small write that is most of the CPU
outside the handler. For each operation whose checks it can repeat exactly (integer path
parameters, no other parameters, bearer or no security, a JSON body whose schema
`compiled_acceptor` judges), `FastPathMiddleware` does that work once and calls the same endpoint
Connexion would, serialising with the same jsonifier.

It only ever says yes. Anything it does not accept (an unknown route, a query string, a bad token,
an oversized or invalid body) goes on to Connexion's stack with the body it read replayed, so
every problem is found and worded by Connexion as before. It sits inside Connexion's exception
handling, so a problem a handler raises renders the same way too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connexion.decorators.parameter import pythonic
from connexion.jsonifier import Jsonifier
from connexion.middleware.abstract import ROUTING_CONTEXT
from connexion.middleware.response_validation import ResponseValidationOperation
from connexion.operations import AbstractOperation
from connexion.resolver import Resolver
from connexion.spec import Specification
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from contractgen.runtime.limits import replay
from contractgen.runtime.security import TokenInfo
from contractgen.runtime.validators import Acceptor, compiled_acceptor, validator_map

JSON = "application/json"
_JSON_CONTENT_TYPES = frozenset({JSON.encode(), b"application/json; charset=utf-8"})
# At most 19 digits: every int64, and never an int() of a client's thousand-digit string.
_DIGITS = "([0-9]{1,19})"
_TEMPLATE_PARAMETER = re.compile(r"\{([^}/]+)\}")
_INTEGER_KEYWORDS = frozenset({"type", "format", "minimum", "maximum", "description", "example"})
_UNCHECKED_INTEGER_FORMATS = frozenset({None, "int32", "int64"})
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class _Unsupported(Exception):
    """The operation uses something the fast path does not check exactly as Connexion does."""


@dataclass(frozen=True)
class _PathParameter:
    argument: str
    minimum: int | None
    maximum: int | None

    def value(self, text: str) -> int | None:
        number = int(text)
        if self.minimum is not None and number < self.minimum:
            return None
        if self.maximum is not None and number > self.maximum:
            return None
        return number


@dataclass(frozen=True)
class _Body:
    argument: str
    accepts: Acceptor


@dataclass(frozen=True)
class _FastOperation:
    operation_id: str
    path: re.Pattern[str]
    parameters: tuple[_PathParameter, ...]
    secured: bool
    body: _Body | None
    endpoint: Callable[..., Awaitable[Any]]
    wants_token_info: bool
    operation: AbstractOperation
    # Other routes a path of this one may also match: then routing is Connexion's to decide.
    overlapping: tuple[re.Pattern[str], ...]


def _path_regex(base_path: str, template: str, parameter: str) -> re.Pattern[str]:
    """The template as a regex, each `{name}` as `parameter` (a group)."""
    parts = _TEMPLATE_PARAMETER.split(base_path.rstrip("/") + template)
    # split() alternates literal text and parameter names.
    pattern = "".join(re.escape(part) if i % 2 == 0 else parameter for i, part in enumerate(parts))
    return re.compile(pattern)


def _integer_parameter(parameter: Mapping[str, Any]) -> _PathParameter:
    schema = parameter.get("schema", {})
    if (
        parameter.get("in") != "path"
        or schema.get("type") != "integer"
        or schema.get("format") not in _UNCHECKED_INTEGER_FORMATS
        or not set(schema) <= _INTEGER_KEYWORDS
        or set(parameter) - {"name", "in", "required", "description", "schema", "example"}
    ):
        raise _Unsupported(parameter.get("name"))
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    if any(bound is not None and type(bound) is not int for bound in (minimum, maximum)):
        raise _Unsupported(parameter.get("name"))
    return _PathParameter(pythonic(parameter["name"]), minimum, maximum)


def _is_bearer(operation: AbstractOperation) -> bool:
    """True for bearer security, False for none; `_Unsupported` for anything else."""
    requirements = operation.security
    if not requirements:
        return False
    if len(requirements) == 1 and len(requirements[0]) == 1:
        (name,) = requirements[0]
        scheme = operation.security_schemes.get(name, {})
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return True
    raise _Unsupported("security")


def _body(operation: AbstractOperation) -> _Body | None:
    request_body = operation.request_body
    if not request_body:
        return None
    content = request_body.get("content", {})
    if list(content) != [JSON] or not request_body.get("required", False):
        raise _Unsupported("requestBody")
    # Connexion hands the schema its document's components along, for `$ref`s (refused anyway).
    schema = {k: v for k, v in operation.body_schema(JSON).items() if k != "components"}
    accepts = compiled_acceptor(schema)
    if accepts is None:
        raise _Unsupported("requestBody schema")
    return _Body(pythonic(operation.body_name(JSON)), accepts)


def _overlap(one: str, other: str) -> bool:
    """Whether some path could match both templates (segment by segment)."""
    a, b = one.split("/"), other.split("/")
    return len(a) == len(b) and all(
        x == y or _TEMPLATE_PARAMETER.fullmatch(x) or _TEMPLATE_PARAMETER.fullmatch(y)
        for x, y in zip(a, b, strict=True)
    )


def fast_operations(
    specification: Specification,
    resolver: Resolver,
    endpoints: Mapping[str, Callable[..., Awaitable[Any]]],
    arguments: Mapping[str, Iterable[str]],
) -> dict[str, list[_FastOperation]]:
    """The operations the fast path serves, by HTTP method; the others are left to Connexion."""
    base_path = specification.base_path or ""
    paths: Mapping[str, Mapping[str, Any]] = specification.get("paths", {})
    served: dict[str, list[_FastOperation]] = {}
    for template, methods in paths.items():
        for method in methods:
            if method not in _METHODS:
                continue
            operation = specification.operation_cls.from_spec(
                specification, path=template, method=method, resolver=resolver
            )
            operation_id = operation.operation_id
            if operation_id not in endpoints:
                continue
            accepted = set(arguments[operation_id])
            try:
                parameters = tuple(_integer_parameter(p) for p in operation.parameters)
                secured = _is_bearer(operation)
                body = _body(operation)
                # Connexion leaves out what the endpoint does not declare; rare enough to leave.
                given = {p.argument for p in parameters} | ({body.argument} if body else set())
                if not given <= accepted:
                    raise _Unsupported("arguments")
            except _Unsupported:
                continue
            overlapping = tuple(
                _path_regex(base_path, other, "[^/]+")
                for other in paths
                if other != template and _overlap(other, template)
            )
            served.setdefault(method.upper(), []).append(
                _FastOperation(
                    operation_id=operation_id,
                    path=_path_regex(base_path, template, _DIGITS),
                    parameters=parameters,
                    secured=secured,
                    body=body,
                    endpoint=endpoints[operation_id],
                    wants_token_info="token_info" in accepted,
                    operation=operation,
                    overlapping=overlapping,
                )
            )
    return served


class FastPathMiddleware:
    """Serves the operations `fast_operations` found; passes everything else to `app`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        spec: Path,
        resolver: Resolver,
        endpoints: Mapping[str, Callable[..., Awaitable[Any]]],
        arguments: Mapping[str, Iterable[str]],
        token_info: TokenInfo,
        jsonifier: Jsonifier,
        max_body_bytes: int,
        validate_responses: bool,
    ) -> None:
        self.app = app
        specification = Specification.load(spec)
        self._base_path = specification.base_path or ""
        self._operations = fast_operations(specification, resolver, endpoints, arguments)
        self._token_info = token_info
        self._jsonifier = jsonifier
        self._max_body_bytes = max_body_bytes
        self._validator_map = validator_map() if validate_responses else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("query_string") or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        for operation in self._operations.get(scope["method"], ()):
            match = operation.path.fullmatch(scope["path"])
            if match is not None:
                await self._serve(operation, match, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _serve(
        self,
        operation: _FastOperation,
        match: re.Match[str],
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        path = scope["path"]
        if any(other.fullmatch(path) for other in operation.overlapping):
            await self.app(scope, receive, send)
            return
        kwargs: dict[str, Any] = {}
        for parameter, text in zip(operation.parameters, match.groups(), strict=True):
            value = parameter.value(text)
            if value is None:
                await self.app(scope, receive, send)
                return
            kwargs[parameter.argument] = value
        authorization = content_type = length = None
        for name, header in scope["headers"]:
            if name == b"authorization":
                authorization = header if authorization is None else authorization
            elif name == b"content-type":
                content_type = header if content_type is None else b""
            elif name == b"content-length":
                length = header if length is None else b""
            elif name == b"transfer-encoding":
                length = b""  # a streamed body: the body limit's to count
        body = b""
        if operation.body is not None:
            if (
                content_type is None
                or content_type.lower() not in _JSON_CONTENT_TYPES
                or length is None
                or not length.isdigit()
                or not 0 < int(length) <= self._max_body_bytes
            ):
                await self.app(scope, receive, send)
                return
            read = await _read(receive)
            if read is None:
                return  # the client went away
            body = read
        if operation.secured:
            token_info = await self._verified(authorization)
            if token_info is None:
                await self.app(scope, replay(body, receive), send)
                return
            if operation.wants_token_info:
                kwargs["token_info"] = token_info
        if operation.body is not None:
            document = _json(body)
            if document is _INVALID or not operation.body.accepts(document):
                await self.app(scope, replay(body, receive), send)
                return
            kwargs[operation.body.argument] = document
        routing = scope.setdefault("extensions", {}).setdefault(ROUTING_CONTEXT, {})
        routing.update({"api_base_path": self._base_path, "operation_id": operation.operation_id})
        response = await operation.endpoint(**kwargs)
        if not isinstance(response, Response):
            # What `create_app`'s endpoints return: (data, status, headers).
            data, status, headers = response
            response = Response(
                content=self._jsonifier.dumps(data),
                status_code=status,
                media_type=JSON,
                headers=dict(headers),
            )
        if self._validator_map is not None:
            validating = ResponseValidationOperation(
                response, operation=operation.operation, validator_map=self._validator_map
            )
            await validating(scope, receive, send)
        else:
            await response(scope, receive, send)

    async def _verified(self, authorization: bytes | None) -> dict[str, Any] | None:
        """What Connexion's bearer check would hand the endpoint, or None for any doubt."""
        if not authorization:
            return None
        try:
            scheme, token = authorization.decode("latin-1").split(maxsplit=1)
        except ValueError:
            return None
        if scheme.lower() != "bearer":
            return None
        return await self._token_info(token)


_INVALID = object()


def _json(body: bytes) -> Any:
    """The body as Connexion parses it (UTF-8, Python's json), or `_INVALID`."""
    try:
        return json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):  # ValueError: UnicodeDecodeError, JSONDecodeError
        return _INVALID  # Connexion decides: it parses again and words the problem


async def _read(receive: Receive) -> bytes | None:
    """The whole body (the server stops it at Content-Length), or None on a disconnect."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
