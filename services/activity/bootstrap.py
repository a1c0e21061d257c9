"""The composition root: settings in, a runnable app or consumer out; and the service's
definition, which `contractgen serve activity [--consume]` runs."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from contractgen.runtime.clock import Clock, utc_now
from contractgen.runtime.composition import database_app
from contractgen.runtime.kafka_consumer import ConsumerSettings, EventConsumer
from contractgen.runtime.settings import ServiceSettings
from generated.activity.app import create_app, service
from generated.activity.consumer import create_consumer
from services.activity.adapters.tables import inbox, metadata
from services.activity.entrypoints.consumer import ActivityRecorder
from services.activity.entrypoints.handlers import ActivityApi
from services.activity.service_layer.unit_of_work import ActivityUnitOfWork


def build_app(settings: ServiceSettings, *, validate_responses: bool = False) -> Any:
    return database_app(
        settings,
        create_app,
        lambda engine, ready: ActivityApi(partial(ActivityUnitOfWork, engine), ready),
        validate_responses=validate_responses,
    )


def build_consumer_handlers(
    settings: ServiceSettings, *, engine: AsyncEngine | None = None, clock: Clock = utc_now
) -> ActivityRecorder:
    """The consumer's handlers. The consumer loop lends them its transaction with each event;
    `engine` serves the calls that come without one. Without an engine they connect per call
    (nothing pooled, so nothing to dispose of)."""
    if engine is None:
        engine = create_async_engine(settings.database_url, poolclass=NullPool)
    return ActivityRecorder(partial(ActivityUnitOfWork, engine), clock)


def build_consumer(settings: ServiceSettings, engine: AsyncEngine) -> EventConsumer:
    """The Kafka consumer loop over every subscribed topic; the caller disposes of `engine`."""
    return create_consumer(
        build_consumer_handlers(settings, engine=engine),
        settings=ConsumerSettings(
            settings.kafka_bootstrap_servers,
            settings.consumer_group,
            client_config=settings.kafka_security,
            inbox_retention=settings.inbox_retention,
            inbox_prune_interval=settings.inbox_prune_interval,
        ),
        engine=engine,
        inbox=inbox,
    )


SERVICE = service(
    build_app,
    metadata=metadata,
    versions=Path(__file__).parent / "migrations/versions",
    build_consumer=build_consumer,
)
