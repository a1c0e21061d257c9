"""A service whose PostgreSQL goes away answers 503 problems with Retry-After, never 500; /readyz
says so; nothing is half-written; and once the database is back, requests succeed again.

The cluster is the test's own (stopping the session's shared one would break every other test).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import exc

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.runtime.outages import is_outage
from contractgen.stack.postgres import PostgresCluster
from contractgen.testing.outbox import outbox_log, start_outbox_log, stop_outbox_log
from services.idea.bootstrap import SERVICE, build_app
from services.identity import IDENTITY
from tests.conftest import free_port
from tests.settings import settings_for

PROBLEM = "application/problem+json"
AUTH = {"Authorization": f"Bearer {mint_token(IDENTITY, 'outage', [1], secret=LOCAL_SECRET)}"}


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    base = Path(tempfile.mkdtemp(prefix="contractgen-outage-pg-"))
    own = PostgresCluster(base / "data", port=free_port())
    own.start()
    try:
        yield own
    finally:
        own.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_connection_failures_are_outages_and_statement_failures_are_not() -> None:
    refused = exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
    lost = exc.DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True)
    assert is_outage(refused) and is_outage(lost)
    assert is_outage(exc.TimeoutError("QueuePool limit reached"))
    assert not is_outage(exc.IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_outage(exc.ProgrammingError("SELEC", {}, Exception("syntax error")))
    assert not is_outage(ValueError("a bug"))


@pytest.mark.postgres
def test_while_the_database_is_down_requests_get_503_with_retry_after_and_nothing_is_half_written(
    cluster: PostgresCluster,
) -> None:
    cluster.create_database("idea")
    url = cluster.url("idea")
    SERVICE.migrate(url)
    start_outbox_log(url)  # the slot survives the restart: the WAL says what was committed
    settings = settings_for("idea", url)
    app = build_app(settings, validate_responses=True)
    base = "/organizations/1/ideas"
    body = {"name": "Before", "description": "Written before the outage."}
    with app.test_client(raise_server_exceptions=False) as client:
        before = client.post(base, json=body, headers=AUTH)
        assert before.status_code == 201, before.text
        idea = before.json()["id"]

        cluster.stop()
        answers = {
            "create": client.post(base, json={**body, "name": "During"}, headers=AUTH),
            "update": client.put(f"{base}/{idea}", json={**body, "name": "Changed"}, headers=AUTH),
            "delete": client.delete(f"{base}/{idea}", headers=AUTH),
            "get": client.get(f"{base}/{idea}", headers=AUTH),
            "list": client.get(base, headers=AUTH),
        }
        ready_during = client.get("/readyz")

        cluster.start()
        after = client.post(base, json={**body, "name": "After"}, headers=AUTH)
        listed = client.get(base, headers=AUTH)
        ready_after = client.get("/readyz")

    for name, answer in answers.items():
        assert answer.status_code == 503, (name, answer.status_code, answer.text)
        assert answer.headers["content-type"] == PROBLEM, name
        assert int(answer.headers["retry-after"]) >= 1, name
        assert answer.json()["status"] == 503, name
        assert "psycopg" not in answer.text and "connection" not in answer.text.lower(), name
    assert ready_during.status_code == 503
    assert ready_during.headers["content-type"] == PROBLEM
    assert after.status_code == 201, after.text
    assert ready_after.status_code == 200
    assert listed.status_code == 200
    assert {item["name"] for item in listed.json()["items"]} == {"Before", "After"}

    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        names = connection.execute(sa.text("SELECT name FROM idea ORDER BY id")).scalars().all()
    engine.dispose()
    assert names == ["Before", "After"]  # neither the update nor the delete nor "During"
    assert [row.type for row in outbox_log(url)] == ["IdeaCreated", "IdeaCreated"]
    stop_outbox_log(url)
