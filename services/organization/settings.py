"""Configuration from the environment.

`ORGANIZATION_DATABASE_URL` is an async SQLAlchemy URL:

* here, in CI and in the embedded stack, PostgreSQL through psycopg (sync and async alike):
  ``postgresql+psycopg://postgres@127.0.0.1:5432/organization``
* in production, SQL Server through aioodbc, which wraps pyodbc:
  ``mssql+aioodbc://user:password@host:1433/organization?driver=ODBC+Driver+18+for+SQL+Server``.
  Migrations run on the sync twin of that URL (``mssql+pyodbc``, see `sync_url`). Both need
  pyodbc and the Microsoft ODBC driver in the production image; they are not installed here.

JWT verification comes from `JWT_JWKS_URL`, `JWT_PUBLIC_KEYS` or `JWT_SECRET` (see
`JwtSettings.from_env`; without any of them the service refuses to start).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from contractgen.runtime.jwt import JwtSettings
from services.identity import jwt_settings

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/organization"

# Async driver -> the sync driver of the same database, for Alembic.
_SYNC_DRIVERS = {
    "mssql+aioodbc": "mssql+pyodbc",
    "postgresql+asyncpg": "postgresql+psycopg",
    "postgresql+psycopg_async": "postgresql+psycopg",
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    jwt: JwtSettings

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("ORGANIZATION_DATABASE_URL") or DEFAULT_DATABASE_URL,
            jwt=jwt_settings(),
        )


def sync_url(database_url: str) -> str:
    """The same database through a blocking driver (psycopg serves both ways)."""
    url = make_url(database_url)
    driver = _SYNC_DRIVERS.get(url.drivername)
    return (
        url.set(drivername=driver).render_as_string(hide_password=False) if driver else database_url
    )
