"""Settings from the environment, and `python -m services.activity`."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import uvicorn

from contractgen.runtime.database import create_engine
from contractgen.runtime.jwt import LOCAL_SECRET, JwtConfigError
from contractgen.runtime.kafka_consumer import EventConsumer
from services.activity import __main__ as main_module
from services.activity.bootstrap import build_app, build_consumer
from services.activity.settings import DEFAULT_DATABASE_URL, Settings


def test_default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JWT_SECRET", "JWT_PUBLIC_KEYS", "JWT_JWKS_URL", "ACTIVITY_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/activity"
    assert settings.jwt is None  # the consumer needs no key; the app refuses without one
    with pytest.raises(JwtConfigError, match="set JWT_JWKS_URL"):
        build_app(settings)
    assert (settings.kafka_bootstrap_servers, settings.consumer_group) == (
        "127.0.0.1:9092",
        "activity",
    )


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.from_env(
        {
            "JWT_SECRET": "s3cret",
            "ACTIVITY_DATABASE_URL": "postgresql+psycopg://app@db:5432/feed",
            "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
            "ACTIVITY_CONSUMER_GROUP": "activity-blue",
        }
    )
    assert settings.database_url == "postgresql+psycopg://app@db:5432/feed"
    assert settings.jwt is not None and settings.jwt.secret == "s3cret"
    assert (settings.kafka_bootstrap_servers, settings.consumer_group) == (
        "kafka:9092",
        "activity-blue",
    )
    assert settings.kafka_security == {}


def test_a_managed_kafkas_credentials_reach_the_consumer_and_its_dead_letter_producer() -> None:
    settings = Settings.from_env(
        {
            "KAFKA_BOOTSTRAP_SERVERS": "pkc-1.westeurope.azure.confluent.cloud:9092",
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "PLAIN",
            "KAFKA_SASL_USERNAME": "key",
            "KAFKA_SASL_PASSWORD": "secret",
        }
    )
    assert settings.kafka_security == {
        "security.protocol": "SASL_SSL",
        "sasl.mechanisms": "PLAIN",
        "sasl.username": "key",
        "sasl.password": "secret",
    }
    consumer = build_consumer(settings, create_engine(settings.database_url))
    assert consumer.settings.client_config == settings.kafka_security


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    recorded: list[tuple[str, Any]] = []
    monkeypatch.setenv("ACTIVITY_DATABASE_URL", "postgresql+psycopg://u@db:5432/activity")
    monkeypatch.setenv("JWT_SECRET", LOCAL_SECRET)
    monkeypatch.setattr(main_module, "migrate", lambda url: recorded.append(("migrate", url)))
    monkeypatch.setattr(
        uvicorn,
        "run",
        lambda app, **options: recorded.append(("serve", (type(app).__name__, options))),
    )

    async def consume(settings: Settings) -> None:
        recorded.append(("consume", settings.consumer_group))

    monkeypatch.setattr(main_module, "consume", consume)
    return recorded


def test_serves_on_the_default_address(calls: list[tuple[str, Any]]) -> None:
    main_module.main([])
    assert calls == [
        ("serve", ("AsyncApp", {"host": "127.0.0.1", "port": 8003, "log_config": None}))
    ]


def test_migrates_before_serving(calls: list[tuple[str, Any]]) -> None:
    main_module.main(["--migrate", "--host", "0.0.0.0", "--port", "9000"])
    assert calls == [
        ("migrate", "postgresql+psycopg://u@db:5432/activity"),
        ("serve", ("AsyncApp", {"host": "0.0.0.0", "port": 9000, "log_config": None})),
    ]


def test_consumes_instead_of_serving(calls: list[tuple[str, Any]]) -> None:
    main_module.main(["--migrate", "--consume"])
    assert calls == [
        ("migrate", "postgresql+psycopg://u@db:5432/activity"),
        ("consume", "activity"),
    ]


def test_builds_the_consumer_loop() -> None:
    """Built, stopped before its first poll, closed: no broker needed."""

    async def scenario() -> None:
        engine = create_engine(Settings().database_url)
        consumer = build_consumer(Settings(kafka_bootstrap_servers="127.0.0.1:1"), engine)
        assert isinstance(consumer, EventConsumer)
        consumer.stop()
        await consumer.run()
        await engine.dispose()

    asyncio.run(scenario())
