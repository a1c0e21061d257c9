"""The idea service against its contracts (REST and events), with schemathesis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from contractgen.testing.contract import (
    ContractWorld,
    assert_every_event_exercised,
    outbox_reader,
)
from contractgen.testing.events import EventContract
from generated.idea.events import EVENT_TYPES
from generated.idea.handlers import OPERATIONS
from services.idea.bootstrap import SERVICE, build_app
from tests.contract.conftest import ORGANIZATIONS, bearer, service_spec
from tests.settings import settings_for

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def world(new_database: Callable[[str], str]) -> ContractWorld:
    url = new_database("idea_contract")
    SERVICE.migrate(url)
    app = build_app(settings_for("idea", url), validate_responses=True)
    client = app.test_client()
    headers = bearer()
    ideas = [
        client.post(
            f"/organizations/{org}/ideas",
            json={"name": f"seed {org}", "description": "x"},
            headers=headers,
        )
        for org in ORGANIZATIONS
    ]
    assert all(r.status_code == 201 for r in ideas)
    return ContractWorld(
        app=app,
        operations=OPERATIONS,
        event_types=EVENT_TYPES,
        read_outbox=outbox_reader(url),
        events=EventContract.of(service_spec("idea")),
        headers=headers,
        known_ids={"organizationId": ORGANIZATIONS, "ideaId": [r.json()["id"] for r in ideas]},
    )


@pytest.fixture(scope="module")
def idea_schema(world: ContractWorld) -> Any:
    return world.schema()


schema = schemathesis.pytest.from_fixture("idea_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_idea_api_honours_its_contracts(case: Any, world: ContractWorld) -> None:
    world.check(case)


def test_every_declared_event_was_exercised(world: ContractWorld) -> None:
    assert_every_event_exercised(world)
