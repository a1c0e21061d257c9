"""The `servers` Swagger UI offers: the server the page was loaded from, then those the contract
declares. Connexion serves `openapi.json` with `servers` rewritten to its bare base path (`""`
for an API mounted at `/`), which Swagger UI shows as one empty choice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SPEC_JSON = "/openapi.json"


class ServerListMiddleware:
    """Rewrites only the `servers` of `GET .../openapi.json`; routing keeps Connexion's base path
    (from the contract's own first server, `/` when it declares none)."""

    def __init__(self, app: ASGIApp, spec: Path) -> None:
        self.app = app
        document = yaml.safe_load(spec.read_text(encoding="utf-8"))
        self.declared: list[dict[str, Any]] = list(document.get("servers") or [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].endswith(SPEC_JSON)
        ):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if start.get("status") == 200:
                body = self._with_servers(scope, body)
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)

    def _with_servers(self, scope: Scope, body: bytes) -> bytes:
        try:
            spec = json.loads(body)
        except ValueError:
            return body
        here = _origin(scope) + scope["path"][: -len(SPEC_JSON)]
        servers = [{"url": here, "description": "this server (where this page came from)"}]
        servers += [s for s in self.declared if s.get("url") != here]
        spec["servers"] = servers
        return json.dumps(spec).encode()


def _origin(scope: Scope) -> str:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"
