"""Pagination: a feed comes one page at a time, with the total it is a part of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from services.activity.domain.errors import InvalidInput

T = TypeVar("T")

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class PageRequest:
    limit: int = 20
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.")
        if not 0 <= self.offset <= MAX_OFFSET:
            raise InvalidInput(f"offset must be between 0 and {MAX_OFFSET}.")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    request: PageRequest
    total: int
