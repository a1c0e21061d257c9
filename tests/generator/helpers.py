"""Running the contractgen CLI in-process and snapshotting folders."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from contractgen.cli import main

DATA = Path(__file__).parent / "data"
GOLDEN_SPECS = DATA / "specs"
EXPECTED = DATA / "expected"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def contractgen(*args: str | Path) -> Run:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def copy_specs(source: Path, project: Path) -> Path:
    """A project folder whose specs/ is a copy of `source` (so display paths read specs/...)."""
    specs = project / "specs"
    shutil.copytree(source, specs)
    config = source.parent / "contractgen.toml"
    if config.is_file():
        shutil.copy(config, project / "contractgen.toml")
    return specs
