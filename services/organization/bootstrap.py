"""The composition root: settings in, a runnable app (or a migrated database) out."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import connexion
from alembic.config import Config

from contractgen.runtime import migrations
from contractgen.runtime.database import UnitOfWork, create_engine, database_ready, disposing
from contractgen.runtime.jwt import JwtVerifier
from generated.organization.app import create_app
from services.organization.adapters.tables import outbox
from services.organization.entrypoints.handlers import Clock, OrganizationApi, utc_now
from services.organization.service_layer.unit_of_work import OrganizationUnitOfWork
from services.organization.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def build_app(
    settings: Settings, *, validate_responses: bool = False, clock: Clock = utc_now
) -> connexion.AsyncApp:
    """The service's ASGI app. Its database engine is created here and disposed of when the
    server shuts down; nothing connects before the first request."""
    engine = create_engine(settings.database_url)

    def new_uow() -> OrganizationUnitOfWork:
        return UnitOfWork(engine, outbox)

    async def ready() -> bool:
        return await database_ready(engine)

    return create_app(
        OrganizationApi(new_uow, ready, clock),
        verify_token=JwtVerifier(settings.jwt),
        validate_responses=validate_responses,
        lifespan=disposing(engine),
    )


def alembic_config(database_url: str, output_buffer: TextIO | None = None) -> Config:
    return migrations.alembic_config(MIGRATIONS, database_url, output_buffer)


def migrate(database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest schema by default)."""
    migrations.upgrade(MIGRATIONS, database_url, revision)
