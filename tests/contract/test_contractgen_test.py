"""`contractgen test` on the platform: every service passes schemathesis with every check at its
defaults, the stateful phase (the contracts' links) and the outbox check, with a fixed and a
random seed, in process against a real PostgreSQL. And a broken promise is reported."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from contractgen.testing.command import contract_test, outbox_reader_later
from contractgen.testing.events import EventContract
from contractgen.testing.runner import OutboxWindow, RunOptions, run_schemathesis, serving
from tests.contract import apps
from tests.contract.conftest import bearer, service_spec

pytestmark = pytest.mark.postgres

FIXED_SEED = 20261204
# Examples per operation and phase (schemathesis's default is 100): the coverage phase's own
# cases come on top. CONTRACT_MAX_EXAMPLES raises it for a deeper run.
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "25"))


@pytest.mark.parametrize("seed", [FIXED_SEED, None], ids=["fixed-seed", "random-seed"])
@pytest.mark.parametrize("service", ["organization", "idea", "activity"])
def test_the_service_keeps_its_contract(
    new_database: Callable[[str], str], tmp_path: Path, service: str, seed: int | None
) -> None:
    code, used = contract_test(
        service_spec(service),
        options=RunOptions(bearer(), seed=seed, max_examples=MAX_EXAMPLES, workdir=tmp_path),
        app_factory=getattr(apps, service),
        database_url=new_database(f"{service}_st"),
    )
    assert code == 0, f"contractgen test {service} failed with seed {used}: the report is above"


def test_a_broken_promise_is_reported_with_check_curl_and_seed(
    new_database: Callable[[str], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The contract here claims createOrganization emits nothing: the outbox says otherwise."""
    url = new_database("organization_broken")
    events = EventContract.of(service_spec("organization"))
    lying = replace(events, emits={**events.emits, "createOrganization": ()})
    options = RunOptions(
        bearer(),
        seed=5,
        max_examples=5,
        workdir=tmp_path,
        extra_arguments=("--include-operation-id", "createOrganization", "--phases", "examples"),
    )
    with serving(apps.organization(url)) as base_url:
        window = OutboxWindow(lying, outbox_reader_later(url))
        code, seed = run_schemathesis(base_url, options, window=window)
    report = capsys.readouterr().out
    assert code == 1
    assert seed == 5
    assert "outbox_conformance" in report
    assert (
        "the outbox gained ['OrganizationCreated'], operation createOrganization declares []"
        in report
    )
    assert "curl -X POST" in report
    assert "Seed: 5" in report
