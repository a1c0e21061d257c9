"""Page requests are bounded wherever they come from (the contract bounds them at the door)."""

from __future__ import annotations

import pytest

from contractgen.runtime.paging import InvalidPage, PageRequest


def test_defaults() -> None:
    assert PageRequest() == PageRequest(limit=20, offset=0)


@pytest.mark.parametrize(("limit", "offset"), [(1, 0), (100, 1_000_000), (20, 0)])
def test_accepts(limit: int, offset: int) -> None:
    assert PageRequest(limit, offset).limit == limit


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (101, 0), (20, -1), (20, 1_000_001)])
def test_refuses(limit: int, offset: int) -> None:
    with pytest.raises(InvalidPage, match="must be between"):
        PageRequest(limit, offset)
