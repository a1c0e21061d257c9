"""The gate's verdict as text (grouped by file, for people) or JSON (for tools), and its exit code."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from contractgen.diff.findings import CODE, SAFE, WIRE, Finding

FAIL_ON = ("wire", "code", "none")
EXIT_PASS, EXIT_BREAKING, EXIT_ERROR = 0, 1, 2
_LABEL = {WIRE: "WIRE", CODE: "CODE", SAFE: "safe"}


@dataclass(frozen=True)
class Verdict:
    baseline: str
    commit: str
    findings: tuple[Finding, ...]
    fail_on: str

    def failing(self) -> list[Finding]:
        kinds = {"wire": {WIRE}, "code": {WIRE, CODE}, "none": set()}[self.fail_on]
        return [f for f in self.findings if f.failing and f.kind in kinds]

    @property
    def exit_code(self) -> int:
        return EXIT_BREAKING if self.failing() else EXIT_PASS

    def counts(self) -> dict[str, int]:
        count = Counter(f.kind for f in self.findings if f.allowed is None)
        return {
            "wire": count[WIRE],
            "code": count[CODE],
            "safe": count[SAFE],
            "allowed": sum(1 for f in self.findings if f.allowed is not None),
        }


def as_json(verdict: Verdict) -> str:
    document = {
        "baseline": verdict.baseline,
        "commit": verdict.commit,
        "fail_on": verdict.fail_on,
        "result": "fail" if verdict.exit_code else "pass",
        "counts": verdict.counts(),
        "findings": [f.as_json() for f in verdict.findings],
    }
    return json.dumps(document, indent=2) + "\n"


def as_text(verdict: Verdict) -> str:
    lines = [f"contractgen diff against {verdict.baseline} ({verdict.commit[:12]})"]
    file = None
    for finding in verdict.findings:
        if finding.file != file:
            file = finding.file
            lines += ["", file]
        label = "allowed" if finding.allowed is not None else _LABEL[finding.kind]
        lines.append(f"  {label:<7} {finding.rule}  #{finding.pointer}")
        lines.append(f"          {finding.why}")
        if finding.allowed is not None:
            lines.append(f"          allowed: {finding.allowed}")
    if not verdict.findings:
        lines += ["", "no contract changes"]
    c = verdict.counts()
    result = "FAIL" if verdict.exit_code else "pass"
    lines += [
        "",
        f"{c['wire']} breaking on the wire, {c['code']} breaking for generated code, "
        f"{c['safe']} safe, {c['allowed']} allowed after deprecation: {result} "
        f"(--fail-on {verdict.fail_on})",
    ]
    return "\n".join(lines) + "\n"
