"""A change and its event commit together or not at all; a lost name race is still a 409."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from contractgen.runtime.database import UnitOfWork
from services.organization.adapters.repository import Repository
from tests.organization.support import Database, auth

pytestmark = pytest.mark.postgres


@pytest.fixture
def acme(client: TestClient) -> None:
    """Organization 1 with role 1 and department 1."""
    steps = [
        ("/organizations", {"name": "Acme", "description": "d"}),
        ("/organizations/1/roles", {"name": "Engineer"}),
        ("/organizations/1/departments", {"name": "R&D"}),
    ]
    for path, body in steps:
        assert client.post(path, json=body, headers=auth(1)).status_code == 201


# Each create, and the repository read that runs after it has published its event.
CREATES = [
    ("/organizations", {"name": "Globex", "description": "d"}, "get_organization"),
    ("/organizations/1/departments", {"name": "Ops"}, "get_department"),
    ("/organizations/1/roles", {"name": "Manager"}, "get_role"),
    ("/organizations/1/members", {"name": "Ada", "roleId": 1, "departmentId": 1}, "get_member"),
]


@pytest.mark.parametrize(("path", "body", "after_publish"), CREATES)
def test_a_failure_after_publishing_rolls_back_the_change_and_the_event(
    client: TestClient,
    database: Database,
    acme: None,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    body: dict[str, Any],
    after_publish: str,
) -> None:
    before = database.counts()
    published: list[str] = []
    seen_in_transaction: list[list[str]] = []

    async def publish(self: UnitOfWork[Any], event: Any) -> None:
        await original_publish(self, event)
        published.append(type(event).__name__)

    async def fail(self: Repository, *args: object) -> None:
        # Proof that the event was written in the transaction before it failed.
        seen_in_transaction.append(list(published))
        raise RuntimeError("the database went away")

    original_publish = UnitOfWork.publish
    monkeypatch.setattr(UnitOfWork, "publish", publish)
    monkeypatch.setattr(Repository, after_publish, fail)

    response = client.post(path, json=body, headers=auth(1))

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "went away" not in response.text
    assert len(seen_in_transaction) == 1 and len(seen_in_transaction[0]) == 1
    assert database.counts() == before  # "outbox": no event committed (read from the WAL)


def test_a_failure_on_an_empty_database_leaves_no_rows_at_all(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(self: Repository, organization_id: int) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Repository, "get_organization", fail)

    response = client.post("/organizations", json={"name": "A", "description": "d"}, headers=auth())

    assert response.status_code == 500
    assert sum(database.counts().values()) == 0


@pytest.mark.parametrize(
    ("path", "lookup", "detail"),
    [
        ("departments", "department_named", "a department named 'R&D'"),
        ("roles", "role_named", "a role named 'Engineer'"),
    ],
)
def test_the_unique_constraint_turns_a_lost_race_into_a_conflict(
    client: TestClient,
    database: Database,
    acme: None,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    lookup: str,
    detail: str,
) -> None:
    """Two requests can both find a name free; the database lets only one of them have it."""
    before = database.counts()

    async def nobody_has_it(self: Repository, organization_id: int, name: str) -> None:
        return None

    monkeypatch.setattr(Repository, lookup, nobody_has_it)
    name = "R&D" if path == "departments" else "Engineer"

    response = client.post(f"/organizations/1/{path}", json={"name": name}, headers=auth(1))

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == f"Organization 1 already has {detail}."
    assert database.counts() == before
