"""Fixtures of the activity tests: a migrated database and the real HTTP app on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from services.activity.bootstrap import SERVICE, build_app
from tests.activity.support import settings_for


@pytest.fixture
def database_url(new_database: Callable[[str], str]) -> str:
    url = new_database("activity")
    SERVICE.migrate(url)
    return url


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """The app as deployed, its responses validated against the contract. Entering the client
    runs the lifespan: one event loop for every request, and the engine disposed of at the end."""
    app = build_app(settings_for(database_url), validate_responses=True)
    with app.test_client() as test_client:
        yield test_client
