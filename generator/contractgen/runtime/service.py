"""Running a service: serve its API on its contract's port, migrate its database, or consume.

Every service is started the same way (`contractgen serve NAME [--migrate] [--consume]`); what
is its own comes in one `ServiceDefinition` from its composition root (`<services>.<name>.bootstrap`,
attribute `SERVICE`)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from contractgen.identity import Identity
from contractgen.runtime import migrations
from contractgen.runtime.avro import Event
from contractgen.runtime.jwt import MISSING_KEYS
from contractgen.runtime.registry import RegistryError, start_registry
from contractgen.runtime.settings import ServiceSettings, sync_url

AppFactory = Callable[[ServiceSettings], Any]
ConsumerFactory = Callable[[ServiceSettings, AsyncEngine], Any]


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    port: int
    """The contract's `info.x-port` (the generated app module's PORT)."""
    build_app: AppFactory
    versions: Path
    """The folder of the service's Alembic revisions."""
    metadata: MetaData
    identity: Identity | None = None
    build_consumer: ConsumerFactory | None = None
    """For a service that receives events: the consumer loop (an EventConsumer) on an engine."""
    events: tuple[type[Event], ...] = ()
    """The events the service sends: their schemas are registered at start-up."""

    def settings(self) -> ServiceSettings:
        return ServiceSettings.from_env(self.name, self.identity)

    def alembic_config(self, database_url: str, output_buffer: TextIO | None = None) -> Config:
        """Alembic's configuration for this service (offline `sql=True` scripts go to the buffer)."""
        return migrations.alembic_config(
            self.versions, sync_url(database_url), self.metadata, output_buffer
        )

    def migrate(self, database_url: str, revision: str = "head") -> None:
        """Bring the database to `revision` (blocking; before serving)."""
        migrations.upgrade(self.versions, sync_url(database_url), self.metadata, revision)


def load_definition(module: str) -> ServiceDefinition:
    """The `SERVICE` of a composition root such as `services.orders.bootstrap`."""
    definition = getattr(importlib.import_module(module), "SERVICE", None)
    if not isinstance(definition, ServiceDefinition):
        raise SystemExit(f"{module} must define SERVICE = ServiceDefinition(...)")
    return definition


def run(definition: ServiceDefinition, argv: Sequence[str] | None = None) -> None:
    """Parse the command line and serve, migrate or consume."""
    args = _parser(definition).parse_args(argv)
    from contractgen.runtime.observability import configure_logging

    configure_logging()
    try:
        settings = definition.settings()
    except ValueError as error:  # e.g. no token verification configured: refuse to start
        raise SystemExit(f"{definition.name}: {error}") from None
    if settings.jwt is None and not args.consume:  # the API fails closed, before anything else
        raise SystemExit(f"{definition.name}: {MISSING_KEYS}")
    if args.migrate:
        definition.migrate(settings.migration_database_url)
    if definition.events or args.consume:
        try:  # before serving: publishing and consuming then never wait for the registry
            start_registry(settings, definition.events)
        except RegistryError as error:
            raise SystemExit(f"{definition.name}: {error}") from None
    if args.consume:
        asyncio.run(_consume(definition, settings))
        return
    import uvicorn

    try:
        app = definition.build_app(settings)
    except ValueError as error:  # e.g. no token verification key: refuse to start, and say why
        raise SystemExit(f"{definition.name}: {error}") from None
    uvicorn.run(app, host=args.host, port=args.port, log_config=None)


async def _consume(definition: ServiceDefinition, settings: ServiceSettings) -> None:
    from contractgen.runtime.database import create_engine

    assert definition.build_consumer is not None
    engine = create_engine(settings.database_url)
    try:
        await definition.build_consumer(settings, engine).run()
    finally:
        await engine.dispose()


def _parser(definition: ServiceDefinition) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"contractgen serve {definition.name}",
        description=f"Serve the {definition.name} API, or run its event consumer.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=definition.port, help="port (default: the contract's x-port)"
    )
    parser.add_argument(
        "--migrate", action="store_true", help="upgrade the database schema before starting"
    )
    if definition.build_consumer is not None:
        parser.add_argument(
            "--consume",
            action="store_true",
            help="consume the subscribed events instead of serving HTTP",
        )
    else:
        parser.set_defaults(consume=False)
    return parser
