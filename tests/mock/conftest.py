"""The mocks under test: built from the contracts alone, as `contractgen mock` builds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, JwtVerifier, mint_token
from contractgen.spec.project import ServiceSpec, load_project
from services.identity import IDENTITY

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_SPECS = ROOT / "specs"
# A project that is not this platform (the generator's golden-test contracts).
OTHER_SPECS = ROOT / "tests/generator/data/specs"


def service(specs: Path, name: str) -> ServiceSpec:
    return next(s for s in load_project(specs).services if s.name == name)


def bearer(organizations: list[int] | None = None) -> dict[str, str]:
    token = mint_token(IDENTITY, "mock-tests", organizations or [1, 2], secret=LOCAL_SECRET)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def verifier() -> JwtVerifier:
    return JwtVerifier(JwtSettings(IDENTITY, secret=LOCAL_SECRET))
