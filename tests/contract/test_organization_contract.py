"""The organization service against its contracts (REST and events), with schemathesis."""

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
from generated.organization.events import EVENT_TYPES
from generated.organization.handlers import OPERATIONS
from services.organization.bootstrap import SERVICE, build_app
from tests.contract.conftest import ORGANIZATIONS, bearer, service_spec
from tests.settings import settings_for

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def world(new_database: Callable[[str], str]) -> ContractWorld:
    url = new_database("organization_contract")
    SERVICE.migrate(url)
    app = build_app(settings_for("organization", url), validate_responses=True)
    client = app.test_client()
    headers = bearer()

    def created(path: str, body: dict[str, Any]) -> int:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    organizations = [
        created("/organizations", {"name": f"Org {n}", "description": "seed"})
        for n in ORGANIZATIONS
    ]
    assert organizations == list(ORGANIZATIONS)
    roles = [created(f"/organizations/{o}/roles", {"name": "Seed role"}) for o in organizations]
    departments = [
        created(f"/organizations/{o}/departments", {"name": "Seed department"})
        for o in organizations
    ]
    members = [
        created(
            f"/organizations/{o}/members", {"name": "Seed member", "roleId": r, "departmentId": d}
        )
        for o, r, d in zip(organizations, roles, departments, strict=True)
    ]
    return ContractWorld(
        app=app,
        operations=OPERATIONS,
        event_types=EVENT_TYPES,
        read_outbox=outbox_reader(url),
        events=EventContract.of(service_spec("organization")),
        headers=headers,
        known_ids={
            "organizationId": organizations,
            "roleId": roles,
            "departmentId": departments,
            "memberId": members,
        },
    )


@pytest.fixture(scope="module")
def organization_schema(world: ContractWorld) -> Any:
    return world.schema()


schema = schemathesis.pytest.from_fixture("organization_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_organization_api_honours_its_contracts(case: Any, world: ContractWorld) -> None:
    world.check(case)


def test_every_declared_event_was_exercised(world: ContractWorld) -> None:
    assert_every_event_exercised(world)
