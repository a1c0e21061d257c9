"""Composing a service's app on its database: the engine, readiness, token verification and the
engine's disposal, the same for every service; the service says only how to build its handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from contractgen.runtime.app import Lifespan
from contractgen.runtime.database import create_engine, database_ready, disposing
from contractgen.runtime.jwt import MISSING_KEYS, JwtConfigError, JwtVerifier
from contractgen.runtime.security import TokenVerifier
from contractgen.runtime.settings import ServiceSettings

Ready = Callable[[], Awaitable[bool]]


class GeneratedAppFactory(Protocol):
    """A generated `create_app`."""

    def __call__(
        self,
        handlers: Any,
        *,
        verify_token: TokenVerifier | None = ...,
        validate_responses: bool = ...,
        lifespan: Lifespan | None = ...,
    ) -> Any: ...


def database_app(
    settings: ServiceSettings,
    create_app: GeneratedAppFactory,
    handlers: Callable[[AsyncEngine, Ready], object],
    *,
    validate_responses: bool = False,
) -> Any:
    """The service's ASGI app on an engine created here: it connects on the first request and is
    disposed of when the server stops; `/readyz` asks the database. Without a token verification
    key it refuses to start (fail closed)."""
    if settings.jwt is None:
        raise JwtConfigError(MISSING_KEYS)
    engine = create_engine(settings.database_url)

    async def ready() -> bool:
        return await database_ready(engine)

    return create_app(
        handlers(engine, ready),
        verify_token=JwtVerifier(settings.jwt),
        validate_responses=validate_responses,
        lifespan=disposing(engine),
    )
