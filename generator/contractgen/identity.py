"""Who may call a project's services: the token issuer, audience and tenancy the project declares.

A project's own values live in its configuration (`contractgen.toml`, `[identity]`); the generator
bakes them into the generated package and the runtime reads them from there, so the framework
itself names no issuer, audience or tenant model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TenantType = Literal["integer", "string"]


@dataclass(frozen=True)
class Identity:
    issuer: str
    audience: str
    tenant_claim: str | None = None
    """The claim that lists the caller's tenants (e.g. `tenants` or `groups`); None: the project has no tenancy."""
    tenant_type: TenantType = "integer"
    """The type of each tenant id in that claim."""
