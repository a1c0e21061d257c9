"""The Jinja environment: one thin template per output file."""

from __future__ import annotations

import contextlib
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

CACHE_ENV = "XDG_CACHE_HOME"


class _BestEffortBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs (compiling them is a tenth of generating a small
    project). Jinja keys each by the template's source checksum and its own and Python's
    versions. A cache that cannot be read or written is no cache, never an error."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Under the user's cache folder (XDG: $XDG_CACHE_HOME, else ~/.cache), outside any project."""
    try:
        base = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache")
        folder = base / "contractgen" / "jinja"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    return _BestEffortBytecodeCache(str(folder))


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("contractgen.gen", "templates"),
        bytecode_cache=_bytecode_cache(),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )


def render(template: str, **context: Any) -> str:
    text = _environment().get_template(template).render(**context)
    # Templates stay readable; the files they make end with exactly one newline, no blank-line runs.
    lines = text.rstrip().split("\n")
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line == "" and len(out) >= 2 and out[-1] == "" and out[-2] == "":
            continue
        out.append(line)
    return "\n".join(out) + "\n"
