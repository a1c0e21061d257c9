"""Fixtures of the organization tests: a migrated database and the real HTTP app on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from contractgen.testing.outbox import start_outbox_log, stop_outbox_log
from services.organization.bootstrap import SERVICE, build_app
from tests.organization.support import NOW, Database
from tests.settings import settings_for


@pytest.fixture
def database_url(new_database: Callable[[str], str]) -> Iterator[str]:
    """A migrated database whose outbox writes are logged from the WAL (the table stays empty:
    see contractgen.testing.outbox)."""
    url = new_database("organization")
    SERVICE.migrate(url)
    start_outbox_log(url)
    yield url
    stop_outbox_log(url)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.engine.dispose()


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """The app as deployed (responses validated against the contract), on a fixed clock."""
    app = build_app(
        settings_for("organization", database_url), validate_responses=True, clock=lambda: NOW
    )
    # Entering the client runs the app's lifespan: one event loop for every request, and the
    # engine disposed of at the end.
    with app.test_client(raise_server_exceptions=False) as test_client:
        yield test_client
