"""The activity service against its REST contract, with schemathesis: every feed read conforms,
for organizations with activity of every type and for ones with none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings
from contractgen.testing.contract import ContractWorld
from generated.activity.handlers import OPERATIONS
from services.activity.bootstrap import build_app, migrate
from services.activity.settings import Settings
from services.identity import IDENTITY
from tests.activity.support import deliver_each, every_event
from tests.contract.conftest import ORGANIZATIONS, bearer

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def world(new_database: Callable[[str], str]) -> ContractWorld:
    url = new_database("activity_contract")
    migrate(url)
    deliver_each(url, every_event(ORGANIZATIONS[0]))  # the second organization has no activity
    app = build_app(
        Settings(database_url=url, jwt=JwtSettings(IDENTITY, secret=LOCAL_SECRET)),
        validate_responses=True,
    )
    return ContractWorld(
        app=app,
        operations=OPERATIONS,
        event_types={},
        read_outbox=list,  # the activity service emits nothing: it has no outbox
        headers=bearer(),
        known_ids={"organizationId": ORGANIZATIONS},
    )


@pytest.fixture(scope="module")
def activity_schema(world: ContractWorld) -> Any:
    return world.schema()


schema = schemathesis.pytest.from_fixture("activity_schema")


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_activity_api_honours_its_contract(case: Any, world: ContractWorld) -> None:
    world.check(case)


def test_the_seeded_feed_is_what_the_contract_test_read(world: ContractWorld) -> None:
    response = world.app.test_client().get(
        f"/organizations/{ORGANIZATIONS[0]}/activities?limit=100", headers=world.headers
    )
    assert response.status_code == 200
    assert response.json()["total"] == len(every_event())
