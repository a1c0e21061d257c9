"""The composition root: settings in, a runnable app out; and the service's definition, which
`contractgen serve idea` runs (serving on the contract's port, `--migrate`)."""

from __future__ import annotations

from pathlib import Path

import connexion

from contractgen.runtime.clock import Clock, utc_now
from contractgen.runtime.database import create_engine, database_ready, disposing
from contractgen.runtime.jwt import JwtVerifier
from contractgen.runtime.service import ServiceDefinition
from contractgen.runtime.settings import ServiceSettings
from generated.idea.app import PORT, create_app
from generated.project import IDENTITY
from services.idea.adapters.tables import metadata, outbox
from services.idea.entrypoints.handlers import IdeaApi
from services.idea.service_layer.unit_of_work import IdeaUnitOfWork


def build_app(
    settings: ServiceSettings, *, validate_responses: bool = False, clock: Clock = utc_now
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


SERVICE = ServiceDefinition(
    name="idea",
    port=PORT,
    build_app=build_app,
    versions=Path(__file__).parent / "migrations" / "versions",
    metadata=metadata,
    identity=IDENTITY,
)
