"""Fixtures of the organization tests: a migrated database and the real HTTP app on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings
from services.identity import IDENTITY
from services.organization.bootstrap import build_app, migrate
from services.organization.settings import Settings
from tests.organization.support import NOW, Database


@pytest.fixture
def database_url(new_database: Callable[[str], str]) -> str:
    url = new_database("organization")
    migrate(url)
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.engine.dispose()


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """The app as deployed (responses validated against the contract), on a fixed clock."""
    settings = Settings(database_url=database_url, jwt=JwtSettings(IDENTITY, secret=LOCAL_SECRET))
    app = build_app(settings, validate_responses=True, clock=lambda: NOW)
    # Entering the client runs the app's lifespan: one event loop for every request, and the
    # engine disposed of at the end.
    with app.test_client(raise_server_exceptions=False) as test_client:
        yield test_client
