"""Write a case's two sides as spec folders and compare them (no git needed)."""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path

import yaml

from contractgen.diff.compare import compare
from contractgen.diff.findings import Finding, Findings
from contractgen.diff.sides import Side
from contractgen.spec.project import load_project
from tests.diff.cases import Case

BASE = Path(__file__).parent / "data" / "base" / "specs" / "shop"
TODAY = date(2026, 12, 4)


def base_documents() -> tuple[dict, dict]:  # type: ignore[type-arg]
    return (
        yaml.safe_load((BASE / "openapi.yaml").read_text()),
        yaml.safe_load((BASE / "asyncapi.yaml").read_text()),
    )


def write_side(root: Path, case: Case, new: bool) -> Path:
    """`root/specs/shop/{openapi,asyncapi}.yaml` for one side of the case."""
    openapi, asyncapi = base_documents()
    case.old(openapi, asyncapi)
    if new:
        case.new(openapi, asyncapi)
    folder = root / "specs" / "shop"
    folder.mkdir(parents=True)
    (folder / "openapi.yaml").write_text(yaml.safe_dump(openapi, sort_keys=False))
    (folder / "asyncapi.yaml").write_text(yaml.safe_dump(asyncapi, sort_keys=False))
    for extra in case.new_services if new else case.services:
        shutil.copytree(folder, root / "specs" / extra)
    return root / "specs"


def run_case(tmp: Path, case: Case) -> list[Finding]:
    old_specs = write_side(tmp / "old", case, new=False)
    new_specs = write_side(tmp / "new", case, new=True)
    out = Findings(90, TODAY)
    old = Side.of(load_project(old_specs, storage_rules=False))
    new = Side.of(load_project(new_specs, storage_rules=False))
    compare(out, old, new, None)
    return out.sorted()


__all__ = ["copy", "run_case", "write_side"]
