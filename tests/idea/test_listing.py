"""Listing an organization's ideas: newest first, a page at a time, with the total."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.idea.conftest import FakeClock
from tests.idea.helpers import bearer, create

pytestmark = pytest.mark.postgres


def listing(client: TestClient, organization_id: int, query: str = "") -> dict[str, Any]:
    response = client.get(
        f"/organizations/{organization_id}/ideas{query}", headers=bearer(organization_id)
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_an_organization_without_ideas_has_an_empty_page(client: TestClient) -> None:
    assert listing(client, 7) == {"items": [], "limit": 20, "offset": 0, "total": 0}


def test_newest_first_then_highest_id_first(client: TestClient, clock: FakeClock) -> None:
    first = create(client, 1, "First")
    clock.advance(minutes=1)
    second = create(client, 1, "Second")
    third = create(client, 1, "Third")  # the same moment as the second: id breaks the tie
    clock.advance(minutes=-5)
    oldest = create(client, 1, "Created with a clock behind")

    page = listing(client, 1)

    assert page["items"] == [third, second, first, oldest]
    assert page["total"] == 4


def test_pages(client: TestClient, clock: FakeClock) -> None:
    created = []
    for number in range(5):
        created.append(create(client, 1, f"Idea {number}"))
        clock.advance(seconds=1)
    newest_first = created[::-1]

    pages = [listing(client, 1, f"?limit=2&offset={offset}") for offset in (0, 2, 4, 6)]

    assert [page["items"] for page in pages] == [
        newest_first[0:2],
        newest_first[2:4],
        newest_first[4:5],
        [],
    ]
    assert [(page["limit"], page["offset"], page["total"]) for page in pages] == [
        (2, 0, 5),
        (2, 2, 5),
        (2, 4, 5),
        (2, 6, 5),
    ]


def test_only_the_organizations_own_ideas(client: TestClient) -> None:
    mine = create(client, 1, "Mine")
    create(client, 2, "Theirs")

    assert listing(client, 1)["items"] == [mine]


def test_an_updated_idea_keeps_its_place(client: TestClient, clock: FakeClock) -> None:
    older = create(client, 1, "Older")
    clock.advance(seconds=1)
    newer = create(client, 1, "Newer")
    clock.advance(seconds=1)
    body = {"name": "Older, revised", "description": "Still older."}
    revised = client.put(f"/organizations/1/ideas/{older['id']}", json=body, headers=bearer(1))

    assert listing(client, 1)["items"] == [newer, revised.json()]
