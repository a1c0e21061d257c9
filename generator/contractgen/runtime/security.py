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


def bearer_security_map(verify: TokenVerifier | None) -> dict[str, type[BearerSecurityHandler]]:
    """A Connexion security map whose `bearer` scheme calls `verify` (denying all without one)."""
    function = verify or _deny_all

    async def token_info(token: str) -> dict[str, Any] | None:
        # Connexion wants a mapping with `sub`; the principal rides along for the handler.
        principal = function(token)
        if inspect.isawaitable(principal):
            principal = await principal
        return None if principal is None else {"sub": principal.subject, PRINCIPAL: principal}

    class _Bearer(BearerSecurityHandler):
        def _resolve_func(
            self, security_scheme: Any
        ) -> Callable[[str], Awaitable[dict[str, Any] | None]]:
            return token_info

    return {"bearer": _Bearer}


__all__ = ["PRINCIPAL", "Principal", "TokenVerifier", "bearer_security_map"]
