"""A 405 names every method of its path in `Allow` (RFC 9110 15.5.6).

Connexion routes each operation on its own Starlette route, so when no route takes the method the
answer's `Allow` lists the methods of the first route with that path only (`Allow: POST` for a
path that also has GET). This middleware rewrites `Allow` on a 405 from the operation table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_PARAMETER = re.compile(r"\{[^{}/]+\}")


def _template(path: str) -> re.Pattern[str]:
    parts = _PARAMETER.split(path)
    return re.compile("[^/]+".join(re.escape(part) for part in parts) + "/?")


def methods_by_path(routes: Iterable[str]) -> list[tuple[re.Pattern[str], str]]:
    """`["GET /a/{id}", "PUT /a/{id}"]` -> the path's matcher and `GET, HEAD, PUT`."""
    by_path: dict[str, set[str]] = {}
    for route in routes:
        method, _, path = route.partition(" ")
        by_path.setdefault(path, set()).add(method.upper())
    table = []
    for path, methods in by_path.items():
        if "GET" in methods:
            methods.add("HEAD")  # Starlette answers HEAD wherever it answers GET
        table.append((_template(path), ", ".join(sorted(methods))))
    # Literal segments before parameters: `/a/new` is tried before `/a/{id}`.
    table.sort(key=lambda entry: entry[0].pattern.count("[^/]+"))
    return table


class AllowMiddleware:
    def __init__(self, app: ASGIApp, *, routes: Mapping[str, str] | Iterable[str]) -> None:
        self.app = app
        self.table = methods_by_path(routes.values() if isinstance(routes, Mapping) else routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = self._allowed(scope.get("path", ""))
                if allowed is not None:
                    headers = [
                        (name, value)
                        for name, value in message.get("headers", [])
                        if name.lower() != b"allow"
                    ]
                    headers.append((b"allow", allowed.encode("latin-1")))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_allow)

    def _allowed(self, path: str) -> str | None:
        for matcher, methods in self.table:
            if matcher.fullmatch(path):
                return methods
        return None


__all__ = ["AllowMiddleware", "methods_by_path"]
