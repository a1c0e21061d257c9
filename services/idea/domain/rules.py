"""Rules for the values the service stores: ids, free text and timestamps."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from services.idea.domain.errors import InvalidInput, UnknownOrganization

ID_MAX = 2**63 - 1  # BIGINT


def checked_id(value: int, *, field: str) -> int:
    if not 1 <= value <= ID_MAX:
        raise InvalidInput(f"{field} must be between 1 and {ID_MAX}.")
    return value


def checked_text(value: str, *, field: str, max_length: int, blank_ok: bool = False) -> str:
    """`value` if it is not empty (nor blank, unless `blank_ok`), at most `max_length` characters
    and storable.

    The contract checks length and blankness already; NUL (PostgreSQL text cannot hold it) and
    lone surrogates (not encodable as UTF-8) pass JSON parsing and must be refused here.
    """
    if not value:
        raise InvalidInput(f"{field} must not be empty.")
    if value.isspace() and not blank_ok:
        raise InvalidInput(f"{field} must not be blank.")
    if len(value) > max_length:
        raise InvalidInput(f"{field} must be at most {max_length} characters long.")
    if "\x00" in value:
        raise InvalidInput(f"{field} must not contain NUL characters.")
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise InvalidInput(f"{field} must not contain unpaired surrogates.")
    return value


def to_millis(moment: datetime) -> datetime:
    """`moment` in UTC, cut to whole milliseconds: the precision events carry (timestamp-millis),
    so the stored value, the response and the event all agree."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def ensure_member(organizations: Collection[int], organization_id: int) -> None:
    """Tenancy: a caller sees only the organizations it belongs to; any other is unknown to it."""
    checked_id(organization_id, field="organization id")
    if organization_id not in organizations:
        raise UnknownOrganization(organization_id)
