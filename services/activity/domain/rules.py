"""Who may read which feed."""

from __future__ import annotations

from collections.abc import Collection

from services.activity.domain.errors import InvalidInput, UnknownOrganization

ID_MAX = 2**63 - 1  # BIGINT


def checked_id(value: int, *, field: str) -> int:
    if not 1 <= value <= ID_MAX:
        raise InvalidInput(f"{field} must be between 1 and {ID_MAX}.")
    return value


def ensure_member(organizations: Collection[int], organization_id: int) -> None:
    """Tenancy: a caller sees only the feeds of the organizations it belongs to; any other
    organization is unknown to it."""
    checked_id(organization_id, field="organization id")
    if organization_id not in organizations:
        raise UnknownOrganization(organization_id)
