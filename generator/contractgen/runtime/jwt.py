"""Bearer JWTs: verification from configuration, and minting local tokens.

Claims: `sub` (the caller), `orgs` (ids of the organizations the caller belongs to), `exp`,
`iss` and `aud`. Locally a shared secret signs them (HS256); in production the issuer's public
keys verify them (RS256/ES256) and no secret is known to the services.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import jwt as pyjwt

from contractgen.identity import Identity
from contractgen.runtime.principal import Principal

ISSUER = "microservicesapp"
AUDIENCE = "microservicesapp"
LOCAL_SECRET = "local-development-secret-change-me"


@dataclass(frozen=True)
class JwtSettings:
    secret: str | None = None
    public_keys: tuple[str, ...] = ()
    issuer: str = ISSUER
    audience: str = AUDIENCE
    leeway_seconds: int = 5

    @classmethod
    def from_env(
        cls, identity: Identity | None = None, environ: Mapping[str, str] | None = None
    ) -> JwtSettings:
        """`JWT_SECRET` (HS256) or `JWT_PUBLIC_KEYS` (PEM keys separated by blank lines)."""
        env = os.environ if environ is None else environ
        prefix = "JWT_"
        keys_text = env.get(f"{prefix}PUBLIC_KEYS", "")
        keys = tuple(
            block.strip() + "\n-----END PUBLIC KEY-----"
            for block in keys_text.split("-----END PUBLIC KEY-----")
            if block.strip()
        )
        secret = env.get(f"{prefix}SECRET") or (None if keys else LOCAL_SECRET)
        return cls(
            secret=secret,
            public_keys=keys,
            issuer=env.get(f"{prefix}ISSUER") or (identity.issuer if identity else ISSUER),
            audience=env.get(f"{prefix}AUDIENCE") or (identity.audience if identity else AUDIENCE),
        )


class JwtVerifier:
    """Token in, `Principal` out; None for an expired, malformed or wrongly signed token.

    A client sends the same token with every request for its lifetime, so a verified token is
    remembered (at most `cache_size` of them) until it expires: the signature check then costs
    a dictionary look-up instead of an HMAC or RSA verification per request."""

    def __init__(self, settings: JwtSettings, cache_size: int = 1024) -> None:
        if not settings.secret and not settings.public_keys:
            raise ValueError("JWT verification needs a secret or public keys")
        self._settings = settings
        self._keys: list[tuple[str, list[str]]] = [
            (key, ["RS256", "ES256"]) for key in settings.public_keys
        ]
        if settings.secret:
            self._keys.append((settings.secret, ["HS256"]))
        self._cache_size = cache_size
        self._verified: OrderedDict[str, Principal] = OrderedDict()

    def __call__(self, token: str) -> Principal | None:
        principal = self._verified.get(token)
        if principal is not None:
            if time.time() <= principal.claims["exp"] + self._settings.leeway_seconds:
                return principal
            del self._verified[token]
        principal = self._verify(token)
        if principal is not None:
            self._verified[token] = principal
            if len(self._verified) > self._cache_size:
                self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> Principal | None:
        for key, algorithms in self._keys:
            try:
                claims = pyjwt.decode(
                    token,
                    key,
                    algorithms=algorithms,
                    audience=self._settings.audience,
                    issuer=self._settings.issuer,
                    leeway=self._settings.leeway_seconds,
                    options={"require": ["exp", "sub", "iss", "aud"]},
                )
            except pyjwt.InvalidTokenError:
                continue
            organizations = claims.get("orgs", [])
            if not isinstance(organizations, list) or not all(
                isinstance(org, int) and not isinstance(org, bool) for org in organizations
            ):
                return None
            return Principal(str(claims["sub"]), frozenset(organizations), claims)
        return None


def mint_token(
    subject: str,
    organizations: list[int],
    *,
    secret: str = LOCAL_SECRET,
    ttl_seconds: int = 3600,
    issuer: str = ISSUER,
    audience: str = AUDIENCE,
) -> str:
    """An HS256 token for local use and tests."""
    now = int(time.time())
    claims = {
        "sub": subject,
        "orgs": sorted(set(organizations)),
        "iat": now,
        "exp": now + ttl_seconds,
        "iss": issuer,
        "aud": audience,
    }
    return pyjwt.encode(claims, secret, algorithm="HS256")
