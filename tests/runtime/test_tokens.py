"""`contractgen token` prints a token the services' verifier accepts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, JwtVerifier
from contractgen.tokens import token_command

SECRET = "a-deployment-secret-of-32-bytes-or-more"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JWT_SECRET", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_PUBLIC_KEYS"):
        monkeypatch.delenv(name, raising=False)


def test_the_token_is_accepted_by_the_verifier() -> None:
    result = CliRunner().invoke(token_command, ["--org", "3", "--org", "5", "--sub", "alice"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert result.stdout == token + "\n"  # only the token, for $(contractgen token ...)
    principal = JwtVerifier(JwtSettings(secret=LOCAL_SECRET))(token)
    assert principal is not None
    assert principal.subject == "alice"
    assert principal.organizations == frozenset({3, 5})
    assert principal.claims["exp"] - principal.claims["iat"] == 86400


def test_the_secret_comes_from_the_environment() -> None:
    result = CliRunner().invoke(
        token_command, ["--org", "1", "--ttl", "60"], env={"JWT_SECRET": SECRET}
    )
    token = result.stdout.strip()
    assert JwtVerifier(JwtSettings(secret=LOCAL_SECRET))(token) is None
    principal = JwtVerifier(JwtSettings(secret=SECRET))(token)
    assert principal is not None and principal.subject == "local-developer"
    assert principal.claims["exp"] - principal.claims["iat"] == 60


def test_at_least_one_organization_is_required() -> None:
    result = CliRunner().invoke(token_command, [])
    assert result.exit_code == 2
    assert "--org" in result.output


def test_help_explains_the_options() -> None:
    result = CliRunner().invoke(token_command, ["--help"])
    assert result.exit_code == 0
    for option in ("--sub", "--org", "--ttl", "--secret", "JWT_SECRET"):
        assert option in result.output
