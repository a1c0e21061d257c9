"""The service around the API: health, migrations, settings and the command line."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import uvicorn
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect

from contractgen.runtime.jwt import LOCAL_SECRET, JwtConfigError
from services.idea import __main__ as cli
from services.idea.adapters.tables import metadata
from services.idea.bootstrap import alembic_config, build_app, migrate
from services.idea.settings import DEFAULT_DATABASE_URL, Settings
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
    migrate(database_url)

    assert set(inspect(db).get_table_names()) == {"alembic_version", "idea", "outbox"}


@pytest.mark.postgres
def test_downgrade_removes_everything(database_url: str, db: Engine) -> None:
    with db.begin() as connection:
        config = alembic_config(database_url)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    assert set(inspect(db).get_table_names()) == {"alembic_version"}


def test_settings_from_the_environment() -> None:
    keyed = {"JWT_SECRET": "s3cret"}
    assert Settings.from_env(keyed).database_url == DEFAULT_DATABASE_URL
    url = "postgresql+psycopg://idea@db:5432/idea"
    settings = Settings.from_env({**keyed, "IDEA_DATABASE_URL": url})
    assert settings.database_url == url
    assert settings.jwt.secret == "s3cret"
    assert settings.jwt.identity == IDENTITY


def test_settings_without_a_verification_key_are_refused() -> None:
    with pytest.raises(JwtConfigError, match=r"set JWT_JWKS_URL .* JWT_PUBLIC_KEYS .* JWT_SECRET"):
        Settings.from_env({"IDEA_DATABASE_URL": "postgresql+psycopg://idea@db:5432/idea"})


@pytest.mark.postgres
def test_the_command_line_migrates_then_serves(
    new_database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = new_database("idea")
    served: dict[str, Any] = {}
    monkeypatch.setenv("IDEA_DATABASE_URL", url)
    monkeypatch.setenv("JWT_SECRET", LOCAL_SECRET)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options))

    cli.main(["--migrate", "--port", "9100"])

    assert served == {"host": "127.0.0.1", "port": 9100, "log_config": None}
    with build_app(settings_for(url)).test_client() as client:
        assert client.get("/readyz").status_code == 200
    engine = create_engine(url)
    try:
        assert "idea" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
