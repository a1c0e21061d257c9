"""Configuration from the environment.

`IDEA_DATABASE_URL`: a SQLAlchemy URL; ``postgresql+psycopg`` serves the async app and the
blocking migrations alike. JWT verification comes from `JWT_JWKS_URL`, `JWT_PUBLIC_KEYS` or `JWT_SECRET`
(see `JwtSettings.from_env`; without any of them the service refuses to start).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from contractgen.runtime.jwt import JwtSettings
from services.identity import jwt_settings

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/idea"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    jwt: JwtSettings = field(default_factory=jwt_settings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("IDEA_DATABASE_URL") or DEFAULT_DATABASE_URL,
            jwt=jwt_settings(env),
        )
