"""The composition root: settings in, a runnable app out; `contractgen serve idea` runs SERVICE
(serving on the contract's port, `--migrate`)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from contractgen.runtime.clock import Clock, utc_now
from contractgen.runtime.composition import database_app
from contractgen.runtime.settings import ServiceSettings
from generated.idea.app import create_app, service
from services.idea.adapters.tables import metadata, outbox
from services.idea.entrypoints.handlers import IdeaApi
from services.idea.service_layer.unit_of_work import IdeaUnitOfWork


def build_app(
    settings: ServiceSettings, *, validate_responses: bool = False, clock: Clock = utc_now
) -> Any:
    return database_app(
        settings,
        create_app,
        lambda engine, ready: IdeaApi(partial(IdeaUnitOfWork, engine, outbox), ready, clock),
        validate_responses=validate_responses,
    )


SERVICE = service(
    build_app, metadata=metadata, versions=Path(__file__).parent / "migrations/versions"
)
