"""Contract tests: schemathesis against each service's OpenAPI, linked to its outbox."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

import pytest

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.spec.project import ServiceSpec, load_project
from contractgen.testing.contract import close_outbox_readers
from services.identity import IDENTITY

# Organizations the contract tests' caller belongs to; generated ids are mixed with these.
ORGANIZATIONS = (1, 2)
SPECS = Path(__file__).resolve().parents[2] / "specs"


def bearer(organizations: Sequence[int] = ORGANIZATIONS) -> dict[str, str]:
    token = mint_token(IDENTITY, "contract-tests", list(organizations), secret=LOCAL_SECRET)
    return {"Authorization": f"Bearer {token}"}


@cache
def service_spec(name: str) -> ServiceSpec:
    (service,) = [s for s in load_project(SPECS).services if s.name == name]
    return service


@pytest.fixture(autouse=True, scope="module")
def _drop_outbox_logs() -> Iterator[None]:
    """The WAL logs the module's outbox readers opened are dropped when it ends."""
    yield
    close_outbox_readers()
