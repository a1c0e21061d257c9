"""Writing a new project's or service's files without ever overwriting one that exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("contractgen.scaffold", "templates"),
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
    autoescape=False,
)


@dataclass
class Scaffold:
    """Files to create under `root`: {relative path: template name}, rendered with `context`."""

    root: Path
    context: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)

    def add(self, target: str, template: str) -> None:
        self.files[target] = template

    def write(self, say: Callable[[str], None]) -> list[Path]:
        """Create every file that does not exist yet; say which were kept as they are."""
        rendered = {
            target: _ENVIRONMENT.get_template(template).render(**self.context)
            for target, template in self.files.items()
        }
        written = []
        for target, text in rendered.items():
            path = self.root / target
            if path.exists():
                say(f"kept     {path} (exists; not overwritten)")
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
            say(f"created  {path}")
        return written
