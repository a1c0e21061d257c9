"""The platform's identity: who issues the tokens its services accept, for whom, and where a
token lists the organizations its caller belongs to (the tenants, as integer ids).

The one place the platform states it; it is handed to the runtime as a single `Identity`."""

from __future__ import annotations

from collections.abc import Mapping

from contractgen.identity import Identity
from contractgen.runtime.jwt import JwtSettings
from contractgen.runtime.principal import Principal

IDENTITY = Identity(
    issuer="microservicesapp",
    audience="microservicesapp",
    tenant_claim="orgs",
    tenant_type="integer",
)


def jwt_settings(environ: Mapping[str, str] | None = None) -> JwtSettings:
    """Token verification from the environment; raises `JwtConfigError` without any key."""
    return JwtSettings.from_env(IDENTITY, environ)


def organization_ids(principal: Principal) -> frozenset[int]:
    """The organizations the caller belongs to: its tenants, integers as `IDENTITY` declares."""
    return frozenset(tenant for tenant in principal.tenants if isinstance(tenant, int))
