"""Service settings for tests: a database URL and the local signing secret, nothing from the
environment (a developer's JWT_* variables must not change what the tests see)."""

from __future__ import annotations

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings
from contractgen.runtime.settings import ServiceSettings
from generated.project import IDENTITY


def settings_for(service: str, database_url: str, **options: object) -> ServiceSettings:
    assert IDENTITY is not None, "contractgen.toml declares the platform's [identity]"
    jwt = JwtSettings(IDENTITY, secret=LOCAL_SECRET)
    return ServiceSettings(name=service, database_url=database_url, jwt=jwt, **options)  # type: ignore[arg-type]
