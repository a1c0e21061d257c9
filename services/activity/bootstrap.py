"""The composition root: settings in, a runnable app, consumer or migrated database out."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TextIO

import connexion
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from contractgen.runtime import migrations
from contractgen.runtime.database import create_engine, database_ready, disposing
from contractgen.runtime.jwt import MISSING_KEYS, JwtConfigError, JwtVerifier
from contractgen.runtime.kafka_consumer import ConsumerSettings, EventConsumer
from generated.activity.app import create_app
from generated.activity.consumer import create_consumer
from services.activity.adapters.tables import inbox
from services.activity.entrypoints.consumer import ActivityRecorder, Clock, utc_now
from services.activity.entrypoints.handlers import ActivityApi
from services.activity.service_layer.unit_of_work import ActivityUnitOfWork
from services.activity.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def build_app(settings: Settings, *, validate_responses: bool = False) -> connexion.AsyncApp:
    """The service's ASGI app. Its engine is created here, connects on the first request and is
    disposed of when the server shuts down. Without a token verification key it refuses."""
    if settings.jwt is None:
        raise JwtConfigError(MISSING_KEYS)
    engine = create_engine(settings.database_url)

    async def ready() -> bool:
        return await database_ready(engine)

    return create_app(
        ActivityApi(partial(ActivityUnitOfWork, engine), ready),
        verify_token=JwtVerifier(settings.jwt),
        validate_responses=validate_responses,
        lifespan=disposing(engine),
    )


def build_consumer_handlers(
    settings: Settings, *, engine: AsyncEngine | None = None, clock: Clock = utc_now
) -> ActivityRecorder:
    """The consumer's handlers. The consumer loop lends them its transaction with each event;
    `engine` serves the calls that come without one. Without an engine they connect per call
    (nothing pooled, so nothing to dispose of)."""
    if engine is None:
        engine = create_async_engine(settings.database_url, poolclass=NullPool)
    return ActivityRecorder(partial(ActivityUnitOfWork, engine), clock)


def build_consumer(settings: Settings, engine: AsyncEngine) -> EventConsumer:
    """The Kafka consumer loop over every subscribed topic; the caller disposes of `engine`."""
    return create_consumer(
        build_consumer_handlers(settings, engine=engine),
        settings=ConsumerSettings(
            settings.kafka_bootstrap_servers,
            settings.consumer_group,
            client_config=settings.kafka_security,
        ),
        engine=engine,
        inbox=inbox,
    )


def alembic_config(database_url: str, output_buffer: TextIO | None = None) -> Config:
    return migrations.alembic_config(MIGRATIONS, database_url, output_buffer)


def migrate(database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest schema by default)."""
    migrations.upgrade(MIGRATIONS, database_url, revision)
