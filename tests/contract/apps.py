"""App factories for `contractgen test --app`: a database URL in, a migrated service's app out
(with responses validated, which the project's own SERVICE definition leaves off)."""

from __future__ import annotations

import importlib
from typing import Any

from tests.settings import settings_for


def _app(service: str, database_url: str) -> Any:
    bootstrap = importlib.import_module(f"services.{service}.bootstrap")
    bootstrap.SERVICE.migrate(database_url)
    return bootstrap.build_app(settings_for(service, database_url), validate_responses=True)


def organization(database_url: str) -> Any:
    return _app("organization", database_url)


def idea(database_url: str) -> Any:
    return _app("idea", database_url)


def activity(database_url: str) -> Any:
    return _app("activity", database_url)
