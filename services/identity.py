"""The platform's identity: who issues the tokens its services accept, for whom, and where a
token lists the organizations its caller belongs to (the tenants, as integer ids).

It is declared in contractgen.toml and reaches the runtime as one `Identity`."""

from __future__ import annotations

from contractgen.identity import Identity
from contractgen.runtime.principal import Principal
from generated.project import IDENTITY as PROJECT_IDENTITY

# Declared once, in contractgen.toml ([identity]); the generator hands it over as code.
if PROJECT_IDENTITY is None:
    raise RuntimeError("contractgen.toml declares no [identity]; the platform needs one")
IDENTITY: Identity = PROJECT_IDENTITY


def organization_ids(principal: Principal) -> frozenset[int]:
    """The organizations the caller belongs to: its tenants, integers as `IDENTITY` declares."""
    return frozenset(tenant for tenant in principal.tenants if isinstance(tenant, int))
