"""Running a service (`contractgen serve NAME`): settings from the environment, migrate first with
the migration login, then serve on the contract's port or consume; the same for every service."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import uvicorn

from contractgen.runtime import service as runner
from contractgen.runtime.database import create_engine
from contractgen.runtime.jwt import LOCAL_SECRET
from contractgen.runtime.kafka_consumer import EventConsumer
from contractgen.runtime.service import ServiceDefinition, load_definition
from contractgen.runtime.settings import ServiceSettings, default_database_url, sync_url
from services.activity.bootstrap import SERVICE as ACTIVITY
from services.activity.bootstrap import build_consumer
from services.idea.bootstrap import SERVICE as IDEA
from services.identity import IDENTITY
from services.organization.bootstrap import SERVICE as ORGANIZATION
from tests.settings import settings_for

SERVICES = [(ORGANIZATION, 8001), (IDEA, 8002), (ACTIVITY, 8003)]


def test_settings_from_the_environment() -> None:
    settings = ServiceSettings.from_env(
        "activity",
        IDENTITY,
        environ={
            "JWT_SECRET": "s3cret",
            "ACTIVITY_DATABASE_URL": "postgresql+psycopg://app@db:5432/feed",
            "ACTIVITY_MIGRATION_DATABASE_URL": "postgresql+psycopg://owner@db:5432/feed",
            "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
            "ACTIVITY_CONSUMER_GROUP": "activity-blue",
        },
    )
    assert settings.database_url == "postgresql+psycopg://app@db:5432/feed"
    assert settings.migration_database_url == "postgresql+psycopg://owner@db:5432/feed"
    assert settings.jwt.secret == "s3cret"
    assert (settings.kafka_bootstrap_servers, settings.consumer_group) == (
        "kafka:9092",
        "activity-blue",
    )
    assert settings.kafka_security == {}


def test_defaults_name_the_service() -> None:
    settings = ServiceSettings.from_env("idea", IDENTITY, environ={"JWT_SECRET": "s3cret"})
    assert settings.database_url == default_database_url("idea")
    assert settings.migration_database_url == settings.database_url
    assert settings.consumer_group == "idea"


def test_a_managed_kafkas_credentials_reach_the_consumer_and_its_dead_letter_producer() -> None:
    settings = ServiceSettings.from_env(
        "activity",
        IDENTITY,
        environ={
            "JWT_SECRET": "s3cret",
            "KAFKA_BOOTSTRAP_SERVERS": "pkc-1.westeurope.azure.confluent.cloud:9092",
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "PLAIN",
            "KAFKA_SASL_USERNAME": "key",
            "KAFKA_SASL_PASSWORD": "secret",
        },
    )
    assert settings.kafka_security == {
        "security.protocol": "SASL_SSL",
        "sasl.mechanisms": "PLAIN",
        "sasl.username": "key",
        "sasl.password": "secret",
    }
    consumer = build_consumer(settings, create_engine(settings.database_url))
    assert consumer.settings.client_config == settings.kafka_security


def test_builds_the_consumer_loop() -> None:
    """Built, stopped before its first poll, closed: no broker needed."""

    async def scenario() -> None:
        settings = settings_for(
            "activity", default_database_url("activity"), kafka_bootstrap_servers="127.0.0.1:1"
        )
        engine = create_engine(settings.database_url)
        consumer = build_consumer(settings, engine)
        assert isinstance(consumer, EventConsumer)
        consumer.stop()
        await consumer.run()
        await engine.dispose()

    asyncio.run(scenario())


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    recorded: list[tuple[str, Any]] = []
    monkeypatch.setenv("JWT_SECRET", LOCAL_SECRET)
    for name in ("organization", "idea", "activity"):
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", f"postgresql+psycopg://app@db/{name}")
        monkeypatch.setenv(
            f"{name.upper()}_MIGRATION_DATABASE_URL", f"postgresql+psycopg://owner@db/{name}"
        )
    monkeypatch.setattr(
        ServiceDefinition, "migrate", lambda self, url: recorded.append(("migrate", url))
    )
    monkeypatch.setattr(
        uvicorn,
        "run",
        lambda app, **options: recorded.append(("serve", (type(app).__name__, options))),
    )

    async def consume(definition: ServiceDefinition, settings: ServiceSettings) -> None:
        recorded.append(("consume", settings.consumer_group))

    monkeypatch.setattr(runner, "_consume", consume)
    monkeypatch.setattr(
        runner,
        "start_registry",
        lambda settings, events: recorded.append(("register", tuple(e.__name__ for e in events))),
    )
    return recorded


@pytest.mark.parametrize(("service", "port"), SERVICES)
def test_serves_on_the_contracts_port(
    calls: list[tuple[str, Any]], service: ServiceDefinition, port: int
) -> None:
    runner.run(service, [])
    registered = [("register", tuple(e.__name__ for e in service.events))] if service.events else []
    assert calls == [
        *registered,
        ("serve", ("AsyncApp", {"host": "127.0.0.1", "port": port, "log_config": None})),
    ]


def test_migrates_with_the_migration_login_before_serving(calls: list[tuple[str, Any]]) -> None:
    runner.run(IDEA, ["--migrate", "--host", "0.0.0.0", "--port", "9000"])
    assert calls == [
        ("migrate", "postgresql+psycopg://owner@db/idea"),
        ("register", ("IdeaCreated", "IdeaUpdated", "IdeaDeleted")),
        ("serve", ("AsyncApp", {"host": "0.0.0.0", "port": 9000, "log_config": None})),
    ]


def test_a_service_that_sends_events_does_not_start_without_its_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Registration is at start-up: no registry URL, or one that does not answer, is a clear
    error before anything serves."""
    monkeypatch.setenv("JWT_SECRET", LOCAL_SECRET)
    monkeypatch.delenv("SCHEMA_REGISTRY_URL", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: pytest.fail("served"))
    with pytest.raises(SystemExit, match="idea: SCHEMA_REGISTRY_URL is not set"):
        runner.run(IDEA, [])
    monkeypatch.setenv("SCHEMA_REGISTRY_URL", "http://127.0.0.1:9/apis/ccompat/v7")
    with pytest.raises(
        SystemExit, match=r"idea: schema registry http://127.0.0.1:9/\S+ is unreachable"
    ):
        runner.run(IDEA, [])


def test_consumes_instead_of_serving(calls: list[tuple[str, Any]]) -> None:
    runner.run(ACTIVITY, ["--migrate", "--consume"])
    assert calls == [
        ("migrate", "postgresql+psycopg://owner@db/activity"),
        ("register", ()),
        ("consume", "activity"),
    ]


def test_a_service_without_a_consumer_has_no_consume_option(
    calls: list[tuple[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        runner.run(IDEA, ["--consume"])
    assert "unrecognized arguments: --consume" in capsys.readouterr().err


def test_the_composition_root_is_found_by_module() -> None:
    assert load_definition("services.idea.bootstrap") is IDEA
    with pytest.raises(SystemExit, match="must define SERVICE"):
        load_definition("services.idea.domain.ideas")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "mssql+aioodbc://app:p%40ss@sql:1433/organization?driver=ODBC+Driver+18+for+SQL+Server",
            "mssql+pyodbc://app:p%40ss@sql:1433/organization?driver=ODBC+Driver+18+for+SQL+Server",
        ),
        ("postgresql+asyncpg://u@h/organization", "postgresql+psycopg://u@h/organization"),
        ("postgresql+psycopg://u@h/organization", "postgresql+psycopg://u@h/organization"),
    ],
)
def test_sync_url(url: str, expected: str) -> None:
    assert sync_url(url) == expected


def test_without_a_declared_identity_the_environment_must_name_issuer_and_audience() -> None:
    with pytest.raises(ValueError, match="set JWT_ISSUER and JWT_AUDIENCE"):
        ServiceSettings.from_env("idea", None, environ={"JWT_SECRET": "s3cret"})
    settings = ServiceSettings.from_env(
        "idea",
        None,
        environ={"JWT_SECRET": "s3cret", "JWT_ISSUER": "https://issuer", "JWT_AUDIENCE": "api"},
    )
    assert settings.jwt is not None
    assert (settings.jwt.identity.issuer, settings.jwt.identity.audience) == (
        "https://issuer",
        "api",
    )


def test_a_service_without_a_key_refuses_to_start_and_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("JWT_SECRET", "JWT_PUBLIC_KEYS", "JWT_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit, match="idea: no JWT verification key is configured"):
        runner.run(IDEA, [])
