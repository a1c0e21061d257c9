"""Fixtures of the idea service's tests: a migrated database, the app on it, a clock to steer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool
from starlette.testclient import TestClient

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings
from services.idea.bootstrap import build_app, migrate
from services.idea.settings import Settings
from services.identity import IDENTITY

T0 = datetime(2026, 1, 31, 10, 0, 0, 123456, tzinfo=UTC)


@dataclass
class FakeClock:
    """The app's clock, moved only by the test."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def database_url(new_database: Callable[[str], str]) -> str:
    url = new_database("idea")
    migrate(url)
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    """A blocking engine on the test's database, to look behind the API's back."""
    engine = create_engine(database_url, poolclass=NullPool)
    yield engine
    engine.dispose()


def settings_for(database_url: str) -> Settings:
    # The secret that mint_token signs with, whatever JWT_SECRET says.
    return Settings(database_url=database_url, jwt=JwtSettings(IDENTITY, secret=LOCAL_SECRET))


@pytest.fixture
def client(database_url: str, clock: FakeClock) -> Iterator[TestClient]:
    """The real app (responses validated against the contract) on the migrated database. Used as
    a context manager, the client keeps one event loop for the engine's pool and runs the
    lifespan that disposes of it."""
    app = build_app(settings_for(database_url), validate_responses=True, clock=clock)
    with app.test_client() as client:
        yield client
