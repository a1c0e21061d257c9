"""Rules for the values the service stores: ids, free text and timestamps."""

from __future__ import annotations

from collections.abc import Collection

from contractgen.runtime.values import text_problem
from services.idea.domain.errors import InvalidInput, UnknownOrganization

ID_MAX = 2**63 - 1  # BIGINT


def checked_id(value: int, *, field: str) -> int:
    if not 1 <= value <= ID_MAX:
        raise InvalidInput(f"{field} must be between 1 and {ID_MAX}.")
    return value


def checked_text(value: str, *, field: str, max_length: int, blank_ok: bool = False) -> str:
    """`value` if it is storable text of at most `max_length` characters (see text_problem)."""
    problem = text_problem(value, field=field, max_length=max_length, blank_ok=blank_ok)
    if problem is not None:
        raise InvalidInput(problem)
    return value


def ensure_member(organizations: Collection[int], organization_id: int) -> None:
    """Tenancy: a caller sees only the organizations it belongs to; any other is unknown to it."""
    checked_id(organization_id, field="organization id")
    if organization_id not in organizations:
        raise UnknownOrganization(organization_id)
