"""App factories for `contractgen test --app`: a database URL in, a migrated service's app out."""

from __future__ import annotations

from typing import Any

from contractgen.runtime.jwt import JwtSettings


def organization(database_url: str) -> Any:
    from services.organization.bootstrap import build_app, migrate
    from services.organization.settings import Settings

    migrate(database_url)
    settings = Settings(database_url=database_url, jwt=JwtSettings.from_env())
    return build_app(settings, validate_responses=True)


def idea(database_url: str) -> Any:
    from services.idea.bootstrap import build_app, migrate
    from services.idea.settings import Settings

    migrate(database_url)
    return build_app(Settings(database_url=database_url), validate_responses=True)


def activity(database_url: str) -> Any:
    from services.activity.bootstrap import build_app, migrate
    from services.activity.settings import Settings

    migrate(database_url)
    return build_app(Settings(database_url=database_url), validate_responses=True)
