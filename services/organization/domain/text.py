"""Rules for the free text the service stores: names and descriptions."""

from __future__ import annotations

from contractgen.runtime.values import text_problem, to_millis
from services.organization.domain.errors import InvalidInput

__all__ = ["checked_text", "to_millis"]


def checked_text(value: str, *, field: str, max_length: int) -> str:
    """`value` if it is non-blank storable text of at most `max_length` characters."""
    problem = text_problem(value, field=field, max_length=max_length)
    if problem is not None:
        raise InvalidInput(problem.replace("must not be empty", "must not be blank"))
    return value
