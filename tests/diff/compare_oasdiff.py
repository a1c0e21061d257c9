"""Run contractgen diff and oasdiff on the same REST pairs (tests/diff/cases.py) and tabulate.

Not a test (the suite must not depend on oasdiff): a measurement for the docs. Usage:
    GOBIN=/tmp/oasdiff go install github.com/oasdiff/oasdiff@v1.39.0
    .venv/bin/python -m tests.diff.compare_oasdiff /tmp/oasdiff/oasdiff > table.md
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.diff.cases import CASES, EVENT_CASES, Case
from tests.diff.harness import run_case


def oasdiff(binary: str, old: Path, new: Path) -> list[dict[str, str]]:
    run = subprocess.run(
        [binary, "changelog", str(old), str(new), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(run.stdout or "[]") or []


def _contractgen(findings: list) -> str:  # type: ignore[type-arg]
    worst = [f for f in findings if f.failing]
    if worst:
        kinds = sorted({f.kind for f in worst})
        return "**" + "+".join(kinds) + "**: " + ", ".join(sorted({f.rule for f in worst}))
    allowed = [f for f in findings if f.allowed is not None]
    if allowed:
        return "allowed: " + ", ".join(sorted({f.rule for f in allowed}))
    return "safe: " + (", ".join(sorted({f.rule for f in findings})) or "(none)")


def _oasdiff(changes: list[dict[str, str]]) -> str:
    levels = {1: "INFO", 2: "WARN", 3: "ERR"}
    errors = sorted({c["id"] for c in changes if c.get("level") == 3})
    rest = sorted(
        {
            f"{c['id']} ({levels.get(int(c.get('level', 1)), '?')})"
            for c in changes
            if c.get("level") != 3
        }
    )
    parts = []
    if errors:
        parts.append("**ERR**: " + ", ".join(errors))
    if rest:
        parts.append(", ".join(rest))
    return "; ".join(parts) or "(nothing)"


def main(binary: str) -> None:
    cases: list[Case] = [*CASES, *EVENT_CASES]
    print("| pair | contractgen diff | oasdiff 1.39.0 changelog |")
    print("|---|---|---|")
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            findings = run_case(Path(tmp), case)
            old = Path(tmp) / "old/specs/shop/openapi.yaml"
            new = Path(tmp) / "new/specs/shop/openapi.yaml"
            if old.read_text() == new.read_text():
                continue  # an AsyncAPI-only pair: nothing for oasdiff to see
            changes = oasdiff(binary, old, new)
        print(f"| {case.id} | {_contractgen(findings)} | {_oasdiff(changes)} |")


if __name__ == "__main__":
    main(sys.argv[1])
