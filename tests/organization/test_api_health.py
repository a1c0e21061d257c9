"""Liveness and readiness."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings
from services.identity import IDENTITY
from services.organization.bootstrap import build_app
from services.organization.settings import Settings
from tests.conftest import free_port


@pytest.mark.postgres
def test_alive_and_ready_with_a_database(client: TestClient) -> None:
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


def test_alive_but_not_ready_without_a_database() -> None:
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/organization"
    app = build_app(
        Settings(database_url=nowhere, jwt=JwtSettings(IDENTITY, secret=LOCAL_SECRET)),
        validate_responses=True,
    )
    with app.test_client() as client:
        alive = client.get("/healthz")
        ready = client.get("/readyz")

    assert alive.status_code == 200
    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"
    assert ready.json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The database is unreachable.",
    }
