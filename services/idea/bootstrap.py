"""The composition root: settings in, a runnable app (or a migrated database) out."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import connexion
from alembic.config import Config

from contractgen.runtime import migrations
from contractgen.runtime.database import create_engine, database_ready, disposing
from contractgen.runtime.jwt import JwtVerifier
from generated.idea.app import create_app
from services.idea.adapters.tables import outbox
from services.idea.entrypoints.handlers import Clock, IdeaApi, utc_now
from services.idea.service_layer.unit_of_work import IdeaUnitOfWork
from services.idea.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def build_app(
    settings: Settings, *, validate_responses: bool = False, clock: Clock = utc_now
) -> connexion.AsyncApp:
    """The service's ASGI app. Its engine is created here, connects on the first request and is
    disposed of when the server shuts down."""
    engine = create_engine(settings.database_url)

    def new_uow() -> IdeaUnitOfWork:
        return IdeaUnitOfWork(engine, outbox)

    async def ready() -> bool:
        return await database_ready(engine)

    return create_app(
        IdeaApi(new_uow, ready, clock),
        verify_token=JwtVerifier(settings.jwt),
        validate_responses=validate_responses,
        lifespan=disposing(engine),
    )


def alembic_config(database_url: str, output_buffer: TextIO | None = None) -> Config:
    return migrations.alembic_config(MIGRATIONS, database_url, output_buffer)


def migrate(database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest schema by default)."""
    migrations.upgrade(MIGRATIONS, database_url, revision)
