"""The pinned formatter: ruff formats every generated Python file, so output is stable and tidy."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from ruff.__main__ import find_ruff_bin

COMMON = ("--isolated", "--line-length", "100", "--target-version", "py311", "--quiet")
SORT_IMPORTS = (
    "check",
    *COMMON,
    "--select",
    "I",
    "--fix",
    "--exit-zero",
    "--config",
    'lint.isort.known-first-party = ["contractgen", "generated", "services"]',
)
FORMAT = ("format", *COMMON)


def format_python(files: dict[str, str]) -> dict[str, str]:
    """The same files with every `.py` run through `ruff format` (one process for all)."""
    python = [name for name in files if name.endswith(".py")]
    if not python:
        return files
    with tempfile.TemporaryDirectory(prefix="contractgen-format-") as tmp:
        root = Path(tmp)
        for name in python:
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(files[name], encoding="utf-8")
        for args in (SORT_IMPORTS, FORMAT):
            result = subprocess.run(
                [find_ruff_bin(), *args, str(root)], capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                sys.stderr.write(result.stderr)
                raise RuntimeError("ruff could not format the generated code (a template bug)")
        formatted = {name: (root / name).read_text(encoding="utf-8") for name in python}
    return {**files, **formatted}
