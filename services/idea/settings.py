"""Configuration from the environment.

`IDEA_DATABASE_URL` (the runtime login: DML only) and `IDEA_MIGRATION_DATABASE_URL` (the
login that owns the schema, used by `--migrate`; defaults to the first): SQLAlchemy URLs;
``postgresql+psycopg`` serves the async app and the
blocking migrations alike. JWT verification comes from `JWT_SECRET` or `JWT_PUBLIC_KEYS` (see
`JwtSettings.from_env`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from contractgen.runtime.jwt import JwtSettings

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/idea"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    jwt: JwtSettings = field(default_factory=JwtSettings.from_env)
    # The login `--migrate` runs the DDL as; empty: the same as database_url.
    migration_database_url: str = ""

    @property
    def migration_url(self) -> str:
        """The URL `--migrate` uses: the migration login when one is set."""
        return self.migration_database_url or self.database_url

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("IDEA_DATABASE_URL") or DEFAULT_DATABASE_URL,
            jwt=JwtSettings.from_env(),
            migration_database_url=env.get("IDEA_MIGRATION_DATABASE_URL", ""),
        )
