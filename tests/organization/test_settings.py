"""Settings from the environment, and the sync URL migrations use."""

from __future__ import annotations

import pytest

from contractgen.runtime.jwt import LOCAL_SECRET
from services.organization.settings import DEFAULT_DATABASE_URL, Settings, sync_url


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JWT_SECRET", raising=False)
    monkeypatch.delenv("JWT_PUBLIC_KEYS", raising=False)
    monkeypatch.delenv("ORGANIZATION_DATABASE_URL", raising=False)
    settings = Settings.from_env()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/organization"
    assert settings.jwt.secret == LOCAL_SECRET


def test_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_SECRET", "s3cret")
    url = "mssql+aioodbc://app:pw@sql:1433/organization?driver=ODBC+Driver+18+for+SQL+Server"
    monkeypatch.setenv("ORGANIZATION_DATABASE_URL", url)
    settings = Settings.from_env()
    assert settings.database_url == url
    assert settings.jwt.secret == "s3cret"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "mssql+aioodbc://app:p%40ss@sql:1433/organization?driver=ODBC+Driver+18+for+SQL+Server",
            "mssql+pyodbc://app:p%40ss@sql:1433/organization?driver=ODBC+Driver+18+for+SQL+Server",
        ),
        ("postgresql+asyncpg://u@h/organization", "postgresql+psycopg://u@h/organization"),
        ("postgresql+psycopg://u@h/organization", "postgresql+psycopg://u@h/organization"),
    ],
)
def test_sync_url(url: str, expected: str) -> None:
    assert sync_url(url) == expected
