"""The verified caller of a request (no web framework needed to name one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Principal:
    """The verified caller: who they are and which organizations they belong to."""

    subject: str
    organizations: frozenset[int]
    claims: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def belongs_to(self, organization_id: int) -> bool:
        return organization_id in self.organizations
