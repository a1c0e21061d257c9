"""Values every service stores and shows the same way: instants at the precision events carry,
as RFC 3339 text, and free text a database can hold."""

from __future__ import annotations

from datetime import UTC, datetime


def to_millis(moment: datetime) -> datetime:
    """`moment` in UTC, cut to whole milliseconds: the precision events carry (Avro's
    timestamp-millis), so the stored value, the response and the event all agree."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def rfc3339(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, e.g. 2026-01-31T10:00:00.000Z (a naive datetime is
    taken as UTC)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def text_problem(value: str, *, field: str, max_length: int, blank_ok: bool = False) -> str | None:
    """What is wrong with free text to store, or None: empty (or blank, unless `blank_ok`), too
    long in characters, or not storable (NUL, which PostgreSQL text cannot hold; lone surrogates,
    which UTF-8 cannot encode). The contract refuses most of these first; this is the last word."""
    if not value or (value.isspace() and not blank_ok):
        return f"{field} must not be {'empty' if not value else 'blank'}."
    if len(value) > max_length:
        return f"{field} must be at most {max_length} characters long."
    if "\x00" in value:
        return f"{field} must not contain NUL characters."
    if any("\ud800" <= char <= "\udfff" for char in value):
        return f"{field} must not contain unpaired surrogates."
    return None
