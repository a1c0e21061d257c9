"""The verified caller of a request (no web framework needed to name one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Tenant = int | str
"""A tenant id as the project's tenant claim carries it (see `contractgen.identity.Identity`)."""


@dataclass(frozen=True)
class Principal:
    """The verified caller: who they are and which tenants they belong to (none without tenancy)."""

    subject: str
    tenants: frozenset[Tenant] = frozenset()
    claims: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def belongs_to(self, tenant: Tenant) -> bool:
        return tenant in self.tenants
