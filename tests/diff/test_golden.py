"""Golden outputs: a fixed set of changes rendered as text and JSON, byte for byte.

Regenerate after an intended change of wording or rules with
`CONTRACTGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/diff/test_golden.py` and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contractgen.diff.report import Verdict, as_json, as_text
from tests.diff.cases import CASES, EVENT_CASES, Case, Docs
from tests.diff.harness import run_case

GOLDEN = Path(__file__).parent / "data" / "golden"
CHOSEN = (
    "request-max-length-narrowed",
    "response-property-removed",
    "operation-id-renamed",
    "security-scopes-added",
    "key-changed",
    "avro-backward-field-without-default",
    "optional-property-added",
)
_BY_ID = {c.id: c for c in CASES + EVENT_CASES}


def _together(o: Docs, a: Docs) -> None:
    for name in CHOSEN:
        _BY_ID[name].new(o, a)


def _deprecated(o: Docs, a: Docs) -> None:
    _BY_ID["operation-removed-after-deprecation"].old(o, a)


def _remove_deprecated_then_all(o: Docs, a: Docs) -> None:
    _BY_ID["operation-removed-after-deprecation"].new(o, a)
    _together(o, a)


FIXED = Case("golden", _remove_deprecated_then_all, (), old=_deprecated)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_golden_output(tmp_path: Path, fmt: str) -> None:
    findings = run_case(tmp_path, FIXED)
    verdict = Verdict("main", "0123456789abcdef0123456789abcdef01234567", tuple(findings), "code")
    rendered = as_text(verdict) if fmt == "text" else as_json(verdict)
    golden = GOLDEN / f"report.{'txt' if fmt == 'text' else 'json'}"
    if os.environ.get("CONTRACTGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered)
    assert rendered == golden.read_text()
    assert verdict.exit_code == 1
