"""The pinned formatter: ruff formats every generated Python file, so output is stable and tidy."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from ruff.__main__ import find_ruff_bin

COMMON = (
    "--isolated",
    "--no-cache",
    "--line-length",
    "100",
    "--target-version",
    "py311",
    "--quiet",
)
FORMAT = ("format", *COMMON)


def _sort_imports(first_party: tuple[str, ...]) -> tuple[str, ...]:
    known = ", ".join(f'"{name}"' for name in sorted(set(first_party)))
    return (
        "check",
        *COMMON,
        "--select",
        "I",
        "--fix",
        "--exit-zero",
        "--config",
        f"lint.isort.known-first-party = [{known}]",
    )


def format_python(files: dict[str, str], first_party: tuple[str, ...]) -> dict[str, str]:
    """The same files with every `.py` run through `ruff format` (one process for all); imports
    of `first_party` packages sorted as the project's own."""
    python = [name for name in files if name.endswith(".py")]
    if not python:
        return files
    with tempfile.TemporaryDirectory(prefix="contractgen-format-") as tmp:
        root = Path(tmp)
        for name in python:
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(files[name], encoding="utf-8")
        for args in (_sort_imports(first_party), FORMAT):
            result = subprocess.run(
                [find_ruff_bin(), *args, str(root)], capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                sys.stderr.write(result.stderr)
                raise RuntimeError("ruff could not format the generated code (a template bug)")
        formatted = {name: (root / name).read_text(encoding="utf-8") for name in python}
    return {**files, **formatted}
