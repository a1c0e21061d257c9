"""Contract tests: schemathesis against each service's OpenAPI, linked to its outbox."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from contractgen.runtime.jwt import mint_token
from contractgen.spec.project import ServiceSpec, load_project

# Organizations the contract tests' caller belongs to; generated ids are mixed with these.
ORGANIZATIONS = (1, 2)
SPECS = Path(__file__).resolve().parents[2] / "specs"


def bearer(organizations: Sequence[int] = ORGANIZATIONS) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token('contract-tests', list(organizations))}"}


@cache
def service_spec(name: str) -> ServiceSpec:
    (service,) = [s for s in load_project(SPECS).services if s.name == name]
    return service
