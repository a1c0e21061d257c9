"""Bearer tokens: the caller (`Principal`) a verified token stands for, plugged into Connexion."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from connexion.security import BearerSecurityHandler

from contractgen.runtime.principal import Principal

PRINCIPAL = "principal"
TokenVerifier = Callable[[str], Principal | Awaitable[Principal | None] | None]
"""Returns the principal of a valid token, or None (Connexion answers 401); may be async (a
verifier that may have to fetch an identity provider's keys)."""


def _deny_all(token: str) -> Principal | None:
    return None


TokenInfo = Callable[[str], Awaitable[dict[str, Any] | None]]


def bearer_token_info(verify: TokenVerifier | None) -> TokenInfo:
    """What Connexion and the fast path call with a bearer token: `{"sub", "principal"}` for a
    valid one, None otherwise (`verify` missing: every token is refused)."""
    function = verify or _deny_all

    async def token_info(token: str) -> dict[str, Any] | None:
        # Connexion wants a mapping with `sub`; the principal rides along for the handler.
        principal = function(token)
        if inspect.isawaitable(principal):
            principal = await principal
        return None if principal is None else {"sub": principal.subject, PRINCIPAL: principal}

    return token_info


def bearer_security_map(token_info: TokenInfo) -> dict[str, type[BearerSecurityHandler]]:
    """A Connexion security map whose `bearer` scheme calls `token_info` (`bearer_token_info`)."""

    class _Bearer(BearerSecurityHandler):
        def _resolve_func(
            self, security_scheme: Any
        ) -> Callable[[str], Awaitable[dict[str, Any] | None]]:
            return token_info

    return {"bearer": _Bearer}


__all__ = [
    "PRINCIPAL",
    "Principal",
    "TokenInfo",
    "TokenVerifier",
    "bearer_security_map",
    "bearer_token_info",
]
