"""The Jinja environment: one thin template per output file."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("contractgen.gen", "templates"),
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
