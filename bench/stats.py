"""Percentiles without numpy (nearest rank, as most load tools report them)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def percentiles(values: Iterable[float], qs: Sequence[float] = (50, 95, 99)) -> dict[str, float]:
    ordered = sorted(values)
    found = {f"p{q:g}": round(percentile(ordered, q), 2) for q in qs}
    if ordered:
        found["max"] = round(ordered[-1], 2)
        found["mean"] = round(sum(ordered) / len(ordered), 2)
    return found
