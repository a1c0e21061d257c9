"""One pair of contracts per rule: the change, and the verdict `contractgen diff` must give."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.diff.cases import CASES, EVENT_CASES, OTHER_CASES, Case
from tests.diff.harness import run_case

ALL = CASES + EVENT_CASES + OTHER_CASES


def _verdict(finding_kind: str, allowed: str | None) -> str:
    return "allowed" if allowed is not None else finding_kind


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_rule(tmp_path: Path, case: Case) -> None:
    findings = run_case(tmp_path, case)
    got = {(f.rule, _verdict(f.kind, f.allowed), f.pointer) for f in findings}
    shown = "\n".join(
        f"{f.rule} {f.kind} {f.allowed} {f.file}#{f.pointer}: {f.why}" for f in findings
    )
    for rule, verdict, pointer in case.expected:
        matches = [g for g in got if g[0] == rule and g[1] == verdict]
        assert matches, f"expected {rule} ({verdict}); got:\n{shown}"
        if pointer is not None:
            where = pointer.split("#", 1)[1] if "#" in pointer else pointer
            assert any(g[2] == where for g in matches), f"{rule} not at {pointer}; got:\n{shown}"
    # Nothing breaking that the case does not name: each rule is judged on its own change.
    named = {(rule, verdict) for rule, verdict, _ in case.expected}
    surprises = [f for f in findings if f.failing and (f.rule, f.kind) not in named]
    assert not surprises, "unexpected breaking findings:\n" + shown
