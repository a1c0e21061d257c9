"""Bearer JWTs: verification settings from the environment, the verifier, and minting local tokens.

Claims: `sub` (the caller), `exp`, `iss` and `aud` (the project's `Identity`, which the
environment may override), and, when the project has tenancy, the claim that lists the caller's
tenants. The keys come from configuration only, and a service without any refuses to start:

* `JWT_JWKS_URL`: the identity provider's published keys (RS*/PS*/ES*/EdDSA, chosen by `kid`);
* `JWT_PUBLIC_KEYS`: PEM public keys or certificates, one after the other (a rotation may mix
  RSA and EC keys: each key verifies only the algorithms of its type);
* `JWT_SECRET`: an HS256 secret (the embedded stack, tests, a single trusted issuer).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt as pyjwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from contractgen.identity import Identity
from contractgen.runtime.jwks import JwksKeySet, SigningKey
from contractgen.runtime.principal import Principal, Tenant

LOCAL_SECRET = "local-development-secret-change-me"
"""The embedded stack's and the tests' HS256 secret. Never a default: it is passed explicitly."""

REQUIRED_CLAIMS = ("exp", "sub", "iss", "aud")
_RSA_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)
log = logging.getLogger("contractgen.jwt")


class JwtConfigError(ValueError):
    """No way to verify tokens is configured, or what is configured cannot be read."""


MISSING_KEYS = (
    "no JWT verification key is configured: set JWT_JWKS_URL (the identity provider's JWKS "
    "endpoint), JWT_PUBLIC_KEYS (PEM public keys) or JWT_SECRET (an HS256 secret)"
)


@dataclass(frozen=True)
class JwtSettings:
    """How tokens are verified: the project's identity and at least one source of keys."""

    identity: Identity
    secret: str | None = None
    public_keys: tuple[str, ...] = ()
    jwks_url: str | None = None
    leeway_seconds: int = 5
    jwks_timeout_seconds: float = 3.0
    jwks_min_refresh_seconds: float = 30.0

    def __post_init__(self) -> None:
        if not (self.secret or self.public_keys or self.jwks_url):
            raise JwtConfigError(MISSING_KEYS)

    @classmethod
    def from_env(
        cls, identity: Identity, environ: Mapping[str, str] | None = None, prefix: str = "JWT_"
    ) -> JwtSettings:
        """`JWT_JWKS_URL`, `JWT_PUBLIC_KEYS`, `JWT_SECRET` (any of them, at least one);
        `JWT_ISSUER` and `JWT_AUDIENCE` override the project's identity (a staging issuer)."""
        env = os.environ if environ is None else environ
        issuer = env.get(f"{prefix}ISSUER") or identity.issuer
        audience = env.get(f"{prefix}AUDIENCE") or identity.audience
        return cls(
            identity=dataclasses.replace(identity, issuer=issuer, audience=audience),
            secret=env.get(f"{prefix}SECRET") or None,
            public_keys=tuple(
                block.group(0) for block in _PEM_BLOCK.finditer(env.get(f"{prefix}PUBLIC_KEYS", ""))
            ),
            jwks_url=env.get(f"{prefix}JWKS_URL") or None,
        )


def static_key(pem: str) -> SigningKey:
    """A PEM public key (or certificate) and the algorithms of its type, so that a token cannot
    pick an algorithm its key was never meant for."""
    try:
        if "CERTIFICATE" in pem.split("-----")[1]:
            key: Any = x509.load_pem_x509_certificate(pem.encode()).public_key()
        else:
            key = load_pem_public_key(pem.encode())
    except ValueError as error:
        raise JwtConfigError(f"JWT_PUBLIC_KEYS holds a key that cannot be read: {error}") from error
    if isinstance(key, rsa.RSAPublicKey):
        return SigningKey(None, key, _RSA_ALGORITHMS)
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name in _EC_ALGORITHMS:
        return SigningKey(None, key, (_EC_ALGORITHMS[key.curve.name],))
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return SigningKey(None, key, ("EdDSA",))
    raise JwtConfigError(f"JWT_PUBLIC_KEYS: unsupported key type {type(key).__name__}")


class JwtVerifier:
    """Token in, `Principal` out; None for any token that is not valid, whatever is wrong with it.

    A client sends the same token with every request for its lifetime, so a verified token is
    remembered (at most `cache_size` of them) until it expires, and at most `cache_seconds`,
    after which its key is checked again (a key the provider withdrew stops working)."""

    def __init__(
        self, settings: JwtSettings, cache_size: int = 1024, cache_seconds: float = 60.0
    ) -> None:
        self._settings = settings
        self._identity = settings.identity
        self._static = [static_key(pem) for pem in settings.public_keys]
        if settings.secret:
            if settings.secret == LOCAL_SECRET:
                log.warning(
                    "JWT_SECRET is the local development secret: never use it in production"
                )
            self._static.append(SigningKey(None, settings.secret, ("HS256",)))
        self._jwks: JwksKeySet | None = None
        if settings.jwks_url:
            self._jwks = JwksKeySet(
                settings.jwks_url,
                timeout_seconds=settings.jwks_timeout_seconds,
                min_refresh_seconds=settings.jwks_min_refresh_seconds,
            )
            self._jwks.load()
        self._cache_size = cache_size
        self._cache_seconds = cache_seconds
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    async def __call__(self, token: str) -> Principal | None:
        remembered = self._verified.get(token)
        if remembered is not None:
            if time.time() <= remembered[1]:
                return remembered[0]
            del self._verified[token]
        principal = await self._verify(token)
        if principal is not None:
            deadline = min(
                principal.claims["exp"] + self._settings.leeway_seconds,
                time.time() + self._cache_seconds,
            )
            self._verified[token] = (principal, deadline)
            if len(self._verified) > self._cache_size:
                self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> Principal | None:
        try:
            header = pyjwt.get_unverified_header(token)
        except pyjwt.PyJWTError:
            return None
        algorithm, kid = header.get("alg"), header.get("kid")
        if not isinstance(algorithm, str) or not isinstance(kid, str | None):
            return None
        claims = self._decoded(token, algorithm, self._candidates(algorithm, kid))
        jwks = self._jwks
        if jwks is not None:
            if claims is None and kid is not None and not jwks.keys_for(kid):
                # A rotation: the provider may have published the key since (bounded, rate-limited).
                await jwks.refresh()
                claims = self._decoded(token, algorithm, self._candidates(algorithm, kid))
            elif jwks.stale:
                jwks.refresh_in_background()
        return None if claims is None else self._principal(claims)

    def _candidates(self, algorithm: str, kid: str | None) -> list[SigningKey]:
        """The keys that may verify this algorithm ('none' and mismatched types match none)."""
        published = self._jwks.keys_for(kid) if self._jwks is not None else []
        return [key for key in [*published, *self._static] if algorithm in key.algorithms]

    def _decoded(self, token: str, algorithm: str, keys: list[SigningKey]) -> dict[str, Any] | None:
        for key in keys:
            claims = self._decode(token, key.key, algorithm)
            if claims is not None:
                return claims
        return None

    def _decode(self, token: str, key: Any, algorithm: str) -> dict[str, Any] | None:
        try:
            claims: dict[str, Any] = pyjwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self._identity.audience,
                issuer=self._identity.issuer,
                leeway=self._settings.leeway_seconds,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except pyjwt.PyJWTError:
            return None
        except (ValueError, TypeError) as error:  # a key/token mismatch the library let through
            log.warning("token refused: %s", error)
            return None
        return claims

    def _principal(self, claims: dict[str, Any]) -> Principal | None:
        tenants = tenants_of(claims, self._identity)
        if tenants is None or not isinstance(claims["sub"], str) or not claims["sub"]:
            return None
        return Principal(claims["sub"], tenants, claims)


def tenants_of(claims: Mapping[str, Any], identity: Identity) -> frozenset[Tenant] | None:
    """The tenants a token names: a list of ids of the declared type; None when the claim holds
    anything else (a bare value too: strict beats guessing). No tenancy or no claim: none."""
    if identity.tenant_claim is None or identity.tenant_claim not in claims:
        return frozenset()
    values = claims[identity.tenant_claim]
    if not isinstance(values, list):
        return None
    if identity.tenant_type == "integer":
        ok = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    else:
        ok = all(isinstance(v, str) and v for v in values)
    return frozenset(values) if ok else None


def mint_token(
    identity: Identity,
    subject: str,
    tenants: Sequence[Tenant] = (),
    *,
    secret: str,
    ttl_seconds: int = 3600,
) -> str:
    """An HS256 token for local use and tests, with the project's issuer, audience and tenants."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject,
        "iat": now,
        "exp": now + ttl_seconds,
        "iss": identity.issuer,
        "aud": identity.audience,
    }
    if identity.tenant_claim is not None:
        claims[identity.tenant_claim] = sorted(set(tenants))
    elif tenants:
        raise ValueError("this project has no tenancy (its identity names no tenant claim)")
    return pyjwt.encode(claims, secret, algorithm="HS256")
