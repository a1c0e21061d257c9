"""The composition root: settings in, a runnable app out; `contractgen serve organization` runs
SERVICE (serving on the contract's port, `--migrate`).

In production the database is SQL Server (`mssql+aioodbc://...`; migrations run through the
blocking `mssql+pyodbc` twin, see `contractgen.runtime.settings.sync_url`); here, in CI and in the
embedded stack it is PostgreSQL."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from contractgen.runtime.clock import Clock, utc_now
from contractgen.runtime.composition import database_app
from contractgen.runtime.database import UnitOfWork
from contractgen.runtime.settings import ServiceSettings
from generated.organization.app import create_app, service
from services.organization.adapters.tables import metadata, outbox
from services.organization.entrypoints.handlers import OrganizationApi


def build_app(
    settings: ServiceSettings, *, validate_responses: bool = False, clock: Clock = utc_now
) -> Any:
    return database_app(
        settings,
        create_app,
        lambda engine, ready: OrganizationApi(partial(UnitOfWork, engine, outbox), ready, clock),
        validate_responses=validate_responses,
    )


SERVICE = service(
    build_app, metadata=metadata, versions=Path(__file__).parent / "migrations/versions"
)
