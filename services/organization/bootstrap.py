"""The composition root: settings in, a runnable app out; and the service's definition, which
`contractgen serve organization` runs (serving on the contract's port, `--migrate`).

In production the database is SQL Server (`mssql+aioodbc://...`; migrations run through the
blocking `mssql+pyodbc` twin, see `contractgen.runtime.settings.sync_url`); here, in CI and in the
embedded stack it is PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import connexion

from contractgen.runtime.clock import Clock, utc_now
from contractgen.runtime.database import UnitOfWork, create_engine, database_ready, disposing
from contractgen.runtime.jwt import JwtVerifier
from contractgen.runtime.service import ServiceDefinition
from contractgen.runtime.settings import ServiceSettings
from generated.organization.app import PORT, create_app
from generated.project import IDENTITY
from services.organization.adapters.tables import metadata, outbox
from services.organization.entrypoints.handlers import OrganizationApi
from services.organization.service_layer.unit_of_work import OrganizationUnitOfWork


def build_app(
    settings: ServiceSettings, *, validate_responses: bool = False, clock: Clock = utc_now
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


SERVICE = ServiceDefinition(
    name="organization",
    port=PORT,
    build_app=build_app,
    versions=Path(__file__).parent / "migrations" / "versions",
    metadata=metadata,
    identity=IDENTITY,
)
