"""`contractgen token` prints a token the services' verifier accepts, and signs only with a secret
it was given: the local development secret only on `--dev-secret`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import jwt as pyjwt
import pytest
from click.testing import CliRunner, Result

from contractgen.identity import Identity
from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, JwtVerifier
from contractgen.runtime.principal import Principal
from contractgen.tokens import token_command
from tests.runtime.conftest import IDENTITY

SECRET = "a-deployment-secret-of-32-bytes-or-more"
# Importable from the repository root, as a project's own module would be.
IDENTITY_REF = "tests.runtime.conftest:IDENTITY"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JWT_SECRET", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_PUBLIC_KEYS", "JWT_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CONTRACTGEN_IDENTITY", raising=False)


def mint(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(token_command, list(args), env=env)


def verified(
    token: str, secret: str = LOCAL_SECRET, identity: Identity = IDENTITY
) -> Principal | None:
    return asyncio.run(JwtVerifier(JwtSettings(identity, secret=secret))(token))


def test_the_dev_token_is_accepted_by_the_verifier() -> None:
    result = mint(
        "--dev-secret",
        "--identity",
        IDENTITY_REF,
        "--tenant",
        "3",
        "--tenant",
        "5",
        "--sub",
        "alice",
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert result.stdout == token + "\n"  # only the token, for $(contractgen token ...)
    principal = verified(token)
    assert principal is not None
    assert principal.subject == "alice"
    assert principal.tenants == frozenset({3, 5})
    assert principal.claims["tenants"] == [3, 5]
    assert principal.claims["exp"] - principal.claims["iat"] == 86400


def test_no_secret_no_token() -> None:
    """Without --secret, JWT_SECRET or --dev-secret nothing is signed (no silent default)."""
    result = mint("--identity", IDENTITY_REF, "--tenant", "1")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--secret" in result.output and "JWT_SECRET" in result.output
    assert "--dev-secret" in result.output


def test_the_secret_comes_from_the_environment() -> None:
    result = mint(
        "--identity", IDENTITY_REF, "--tenant", "1", "--ttl", "60", env={"JWT_SECRET": SECRET}
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert verified(token) is None  # not the development secret
    principal = verified(token, SECRET)
    assert principal is not None and principal.subject == "local-developer"
    assert principal.claims["exp"] - principal.claims["iat"] == 60


def test_issuer_audience_and_claim_one_by_one_or_from_the_environment() -> None:
    string_tenants = Identity("https://id.example", "api://things", "groups", "string")
    result = mint(
        "--secret", SECRET, "--tenant-claim", "groups", "--tenant-type", "string",
        "--tenant", "acme", "--tenant", "globex",
        env={"JWT_ISSUER": "https://id.example", "JWT_AUDIENCE": "api://things"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    principal = verified(result.stdout.strip(), SECRET, string_tenants)
    assert principal is not None and principal.tenants == frozenset({"acme", "globex"})
    # The environment's issuer overrides the identity's, as it does for the services.
    other = mint("--dev-secret", "--identity", IDENTITY_REF, env={"JWT_ISSUER": "elsewhere"})
    assert verified(other.stdout.strip()) is None


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--dev-secret", "--tenant", "1"], "--issuer"),
        (["--dev-secret", "--issuer", "i", "--audience", "a", "--tenant", "1"], "tenant claim"),
        (["--dev-secret", "--identity", IDENTITY_REF, "--tenant", "one"], "not an integer"),
        (["--dev-secret", "--identity", "tests.runtime.conftest"], "MODULE:NAME"),
        (["--dev-secret", "--identity", "tests.runtime.conftest:VERIFIER"], "not an Identity"),
        (["--dev-secret", "--identity", "no.such.module:X"], "no.such.module"),
    ],
)
def test_what_is_missing_is_named(
    args: list[str], complaint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no contractgen.toml here: no identity to default to
    result = mint(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert complaint in result.output


def test_a_project_without_tenancy_gets_tokens_without_tenants() -> None:
    plain = Identity("https://id.example", "api://things")
    result = mint("--dev-secret", "--issuer", "https://id.example", "--audience", "api://things")
    assert result.exit_code == 0, result.output
    principal = verified(result.stdout.strip(), identity=plain)
    assert principal is not None and principal.tenants == frozenset()


def test_help_explains_the_options() -> None:
    result = mint("--help")
    assert result.exit_code == 0
    for option in ("--sub", "--tenant", "--identity", "--issuer", "--audience", "--ttl"):
        assert option in result.output
    for option in ("--secret", "--dev-secret", "JWT_SECRET", "JWT_ISSUER", "JWT_AUDIENCE"):
        assert option in result.output


def test_in_a_project_the_identity_is_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "contractgen.toml").write_text(
        '[identity]\nissuer = "https://id.example"\naudience = "shop"\n'
        'tenant_claim = "teams"\ntenant_type = "string"\n'
    )
    monkeypatch.chdir(tmp_path)
    result = mint("--dev-secret", "--tenant", "blue")
    assert result.exit_code == 0, result.output
    claims = pyjwt.decode(result.output.strip(), options={"verify_signature": False})
    assert (claims["iss"], claims["aud"], claims["teams"]) == (
        "https://id.example",
        "shop",
        ["blue"],
    )
