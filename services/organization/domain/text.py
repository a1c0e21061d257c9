"""Rules for the free text the service stores: names and descriptions."""

from __future__ import annotations

from datetime import UTC, datetime

from services.organization.domain.errors import InvalidInput


def checked_text(value: str, *, field: str, max_length: int) -> str:
    """`value` if it is non-blank, at most `max_length` characters and storable everywhere.

    The contract checks length and blankness already; NUL (PostgreSQL text cannot hold it) and
    lone surrogates (not encodable as UTF-8) pass JSON parsing and must be refused here.
    """
    if not value or value.isspace():
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
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)
