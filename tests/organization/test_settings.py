"""Settings from the environment, and the sync URL migrations use."""

from __future__ import annotations

import pytest

from contractgen.runtime.jwt import LOCAL_SECRET, JwtConfigError
from services.identity import IDENTITY
from services.organization.settings import DEFAULT_DATABASE_URL, Settings, sync_url


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_SECRET", LOCAL_SECRET)
    monkeypatch.delenv("ORGANIZATION_DATABASE_URL", raising=False)
    settings = Settings.from_env()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/organization"
    assert settings.jwt.secret == LOCAL_SECRET
    assert settings.jwt.identity == IDENTITY


def test_no_verification_key_no_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """No fallback secret: without a key the settings, and so the service, refuse."""
    for name in ("JWT_SECRET", "JWT_PUBLIC_KEYS", "JWT_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(JwtConfigError, match=r"JWT_JWKS_URL .* JWT_PUBLIC_KEYS .* JWT_SECRET"):
        Settings.from_env()


def test_the_environment_may_override_issuer_and_audience(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JWT_SECRET", "s3cret")
    monkeypatch.setenv("JWT_ISSUER", "https://login.example/tenant/v2.0")
    monkeypatch.setenv("JWT_AUDIENCE", "api://platform")
    identity = Settings.from_env().jwt.identity
    assert (identity.issuer, identity.audience) == (
        "https://login.example/tenant/v2.0",
        "api://platform",
    )
    assert (identity.tenant_claim, identity.tenant_type) == ("orgs", "integer")


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
