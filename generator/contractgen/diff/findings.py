"""What `contractgen diff` reports: one finding per change, with its class and rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from contractgen.spec.errors import Location

WIRE = "wire"
"""Breaking on the wire: a client, producer or consumer built on the baseline stops working."""
CODE = "code"
"""Breaking for generated code: the wire is fine, but hand-written code against the generated
interfaces (handler methods, their parameters, event classes) no longer fits."""
SAFE = "safe"
CLASSES = (WIRE, CODE, SAFE)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    pointer: str
    rule: str
    kind: str
    why: str
    allowed: str | None = None
    """Why a breaking change does not fail the gate (a deprecation period that has passed)."""

    @property
    def failing(self) -> bool:
        return self.kind != SAFE and self.allowed is None

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "file": self.file,
            "pointer": self.pointer,
            "rule": self.rule,
            "class": self.kind,
            "why": self.why,
        }
        if self.allowed is not None:
            found["allowed"] = self.allowed
        return found


@dataclass
class Findings:
    """Collects findings; a breaking removal of something deprecated long enough is allowed."""

    deprecation_days: int
    today: date
    items: dict[tuple[str, str, str], Finding] = field(default_factory=dict)

    def add(
        self,
        where: Location,
        rule: str,
        kind: str,
        why: str,
        deprecated: Any = None,
    ) -> None:
        """`deprecated` is the baseline's spec object of what was removed: its `deprecated: true`
        and `x-deprecated-on` decide whether the removal is allowed."""
        allowed = self._allowed(deprecated) if kind != SAFE else None
        key = (where.file, where.pointer, rule)
        # One place changed once is one finding, however many operations reach it via $ref.
        if key not in self.items:
            self.items[key] = Finding(where.file, where.pointer, rule, kind, why, allowed)

    def _allowed(self, spec: Any) -> str | None:
        if not isinstance(spec, dict):
            return None
        since = spec.get("x-deprecated-on")
        # OpenAPI says `deprecated: true` too; AsyncAPI messages and channels have only the date.
        if since is None or spec.get("deprecated") is False:
            return None
        day = since if isinstance(since, date) else _parse(str(since))
        if day is None:
            return None
        passed = (self.today - day).days
        if passed < self.deprecation_days:
            return None
        return f"deprecated on {day.isoformat()}, {passed} days ago (period: {self.deprecation_days} days)"

    def sorted(self) -> list[Finding]:
        return sorted(
            self.items.values(), key=lambda f: (f.file, _order(f.kind), f.pointer, f.rule)
        )


def _parse(text: str) -> date | None:
    if not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _order(kind: str) -> int:
    return CLASSES.index(kind)


def deprecated_on(spec: Any) -> str | None:
    """A deprecated element's `x-deprecated-on`, for the message of a removal that is too early."""
    if isinstance(spec, dict) and "x-deprecated-on" in spec:
        return str(spec["x-deprecated-on"])
    return None
