"""A project's own settings: `contractgen.toml` at the project root (beside `specs/`).

What belongs to the project and not to the framework lives here: the name used for Kubernetes
labels, images and resource names; the Python packages that hold generated and hand-written code;
the identity settings (token issuer, audience, tenancy). Every key is optional; a project without
the file gets the defaults below. Errors name the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contractgen.identity import Identity

CONFIG_FILE = "contractgen.toml"
DEFAULT_NAME = "app"
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
_PACKAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TENANT_TYPES = ("integer", "string")


class ConfigError(ValueError):
    """The configuration file is unreadable or a key has a wrong value."""


@dataclass(frozen=True)
class ProjectConfig:
    root: Path
    """The project folder: where `contractgen.toml` is, or would be."""
    name: str = DEFAULT_NAME
    """Kubernetes namespace and `part-of` label, image and resource names."""
    specs: str = "specs"
    generated: str = "generated"
    """The folder (and Python package) contractgen writes."""
    services: str = "services"
    """The Python package of the hand-written services: `<services>.<service>`."""
    framework: str | None = None
    """Where images install contractgen from: a folder of the project holding its source (this
    framework's own repository); None: `contractgen==<version>` from the package index."""
    identity: Identity | None = None
    """Who issues the bearer tokens the services accept; None: set by environment at run time."""
    diff: dict[str, Any] = field(default_factory=dict)
    """The `[diff]` table, read by `contractgen diff`."""

    @property
    def specs_dir(self) -> Path:
        return self.root / self.specs

    @property
    def generated_dir(self) -> Path:
        return self.root / self.generated

    @property
    def services_dir(self) -> Path:
        return self.root / self.services.replace(".", "/")

    def service_module(self, service: str) -> str:
        return f"{self.services}.{service}"


def find_config(root: Path) -> Path | None:
    candidate = root / CONFIG_FILE
    return candidate if candidate.is_file() else None


def load_config(root: Path) -> ProjectConfig:
    """The configuration of the project in `root` (defaults when it has no file)."""
    root = root.resolve()
    path = find_config(root)
    if path is None:
        return ProjectConfig(root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    project = _table(data, "project", path)
    identity = _table(data, "identity", path)
    config = ProjectConfig(
        root=root,
        name=_text(project, "name", path, DEFAULT_NAME, _NAME, "lower-case letters, digits, -"),
        specs=_text(project, "specs", path, "specs"),
        generated=_text(project, "generated", path, "generated", _PACKAGE, "a Python identifier"),
        services=_text(project, "services", path, "services"),
        framework=_text(project, "framework", path, None),
        identity=_identity(identity, path) if identity else None,
        diff=_table(data, "diff", path),
    )
    if not all(_PACKAGE.match(part) for part in config.services.split(".")):
        raise ConfigError(f"{path}: project.services must be a dotted Python package name")
    return config


def config_for_specs(specs_dir: Path) -> ProjectConfig:
    """The configuration of the project whose contracts are in `specs_dir` (its parent folder)."""
    specs_dir = specs_dir.resolve()
    config = load_config(specs_dir.parent)
    if config.specs_dir != specs_dir:
        # Contracts elsewhere than the file says (e.g. `--specs` given): they win.
        config = _replace_specs(config, specs_dir)
    return config


def _replace_specs(config: ProjectConfig, specs_dir: Path) -> ProjectConfig:
    from dataclasses import replace

    return replace(config, root=specs_dir.parent, specs=specs_dir.name)


def _identity(table: dict[str, Any], path: Path) -> Identity:
    issuer = _text(table, "issuer", path, None)
    audience = _text(table, "audience", path, None)
    if issuer is None or audience is None:
        raise ConfigError(f"{path}: [identity] needs both issuer and audience")
    claim = _text(table, "tenant_claim", path, None)
    kind = _text(table, "tenant_type", path, "integer")
    if kind not in _TENANT_TYPES:
        raise ConfigError(f"{path}: identity.tenant_type must be one of {list(_TENANT_TYPES)}")
    return Identity(issuer, audience, claim, "string" if kind == "string" else "integer")


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{key}] must be a table")
    return value


def _text(
    table: dict[str, Any],
    key: str,
    path: Path,
    default: str | None,
    pattern: re.Pattern[str] | None = None,
    shape: str = "",
) -> Any:
    value = table.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path}: {key} must be a non-empty string")
    if pattern is not None and not pattern.match(value):
        raise ConfigError(f"{path}: {key} = {value!r} must be {shape}")
    return value
