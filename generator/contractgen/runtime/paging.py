"""Pagination: a list comes one page at a time, with the total it is a part of.

The contract bounds `limit` and `offset` already; the page request checks them again so that a
use case called from elsewhere (a test, a consumer) cannot ask for an unbounded page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class InvalidPage(ValueError):
    """A page request out of bounds; services answer it as a 400 problem."""

    @property
    def message(self) -> str:
        return str(self)


@dataclass(frozen=True)
class PageRequest:
    limit: int = 20
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidPage(f"limit must be between 1 and {MAX_LIMIT}.")
        if not 0 <= self.offset <= MAX_OFFSET:
            raise InvalidPage(f"offset must be between 0 and {MAX_OFFSET}.")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    request: PageRequest
    total: int
