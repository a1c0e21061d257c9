"""The `[diff]` table of the project's `contractgen.toml` (command-line options override it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contractgen.config import ConfigError as ProjectConfigError
from contractgen.config import load_config

CONFIG_FILE = "contractgen.toml"


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class DiffSettings:
    baseline: str = "main"
    """The git revision the contracts are compared against (a branch, tag or commit)."""
    deprecation_days: int = 90
    """How long a deprecated element must stay before its removal is allowed."""
    history_limit: int = 50
    """How many past versions of a file the *_TRANSITIVE Avro modes check (newest first)."""


def read_settings(root: Path) -> DiffSettings:
    path = root / CONFIG_FILE
    try:
        table = load_config(root).diff
    except ProjectConfigError as error:
        raise ConfigError(str(error)) from None
    unknown = set(table) - {"baseline", "deprecation_days", "history_limit"}
    if unknown:
        raise ConfigError(f"{path}: [diff] has unknown keys: {', '.join(sorted(unknown))}")
    settings = DiffSettings()
    baseline = table.get("baseline", settings.baseline)
    days = table.get("deprecation_days", settings.deprecation_days)
    limit = table.get("history_limit", settings.history_limit)
    if not isinstance(baseline, str) or not baseline:
        raise ConfigError(f"{path}: [diff] baseline must be a git revision (a string)")
    for key, value in (("deprecation_days", days), ("history_limit", limit)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{path}: [diff] {key} must be a whole number of 0 or more")
    return DiffSettings(baseline, days, limit)
