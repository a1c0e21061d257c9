"""The composition root: the app owns its engine and closes it when the server stops."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from services.organization.bootstrap import build_app
from tests.organization.support import Database, auth
from tests.settings import settings_for

OTHERS = sa.text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def other_connections(database: Database) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(OTHERS).scalar_one())


@pytest.mark.postgres
def test_the_engine_connects_lazily_and_is_disposed_at_shutdown(
    database_url: str, database: Database
) -> None:
    app = build_app(settings_for("organization", database_url))
    assert other_connections(database) == 0

    with app.test_client() as client:
        assert client.get("/organizations", headers=auth(1)).status_code == 200
        assert other_connections(database) == 1  # pooled, kept while the app runs

    deadline = (
        time.monotonic() + 30
    )  # a backend ends a moment after its client closes; longer under load
    while other_connections(database) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert other_connections(database) == 0
