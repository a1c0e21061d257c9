"""The service around the API: health and migrations."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from contractgen.runtime.jwt import JwtConfigError
from contractgen.runtime.settings import ServiceSettings
from services.idea.adapters.tables import metadata
from services.idea.bootstrap import SERVICE, build_app
from services.identity import IDENTITY
from tests.idea.conftest import settings_for


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.postgres
def test_health_and_readiness(client: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ok"})


def test_unreachable_database_is_503_but_alive() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/idea"
    with build_app(settings_for(url), validate_responses=True).test_client() as client:
        ready = client.get("/readyz")
        health = client.get("/healthz")

    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"
    assert ready.json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The database is unreachable.",
    }
    assert health.status_code == 200


@pytest.mark.postgres
def test_migrations_build_exactly_the_tables_the_code_uses(db: Engine) -> None:
    with db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)

    assert differences == []
    assert set(inspect(db).get_table_names()) == {"alembic_version", "idea", "outbox"}


@pytest.mark.postgres
def test_migrating_twice_changes_nothing(database_url: str, db: Engine) -> None:
    SERVICE.migrate(database_url)

    assert set(inspect(db).get_table_names()) == {"alembic_version", "idea", "outbox"}


@pytest.mark.postgres
def test_downgrade_removes_everything(database_url: str, db: Engine) -> None:
    with db.begin() as connection:
        config = SERVICE.alembic_config(database_url)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    assert set(inspect(db).get_table_names()) == {"alembic_version"}


def test_without_a_verification_key_the_settings_have_none_and_the_app_refuses() -> None:
    settings = ServiceSettings.from_env(
        "idea", IDENTITY, {"IDEA_DATABASE_URL": "postgresql+psycopg://idea@db:5432/idea"}
    )
    assert settings.jwt is None
    with pytest.raises(JwtConfigError, match=r"set JWT_JWKS_URL .* JWT_PUBLIC_KEYS .* JWT_SECRET"):
        build_app(settings)


def test_settings_name_the_projects_identity() -> None:
    settings = ServiceSettings.from_env("idea", IDENTITY, {"JWT_SECRET": "s3cret"})
    assert settings.jwt is not None
    assert (settings.jwt.secret, settings.jwt.identity) == ("s3cret", IDENTITY)
