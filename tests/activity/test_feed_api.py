"""Reading a feed through the real app: newest first, paginated, filtered, per organization."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from generated.idea.events import IdeaCreated
from tests.activity.support import (
    PROBLEM,
    T0,
    bearer,
    deliver,
    deliver_each,
    every_event,
    feed,
    meta_for,
)

pytestmark = pytest.mark.postgres


def ideas(organization_id: int, count: int) -> list[IdeaCreated]:
    return [
        IdeaCreated(
            idea_id=100 + n,
            organization_id=organization_id,
            name=f"Idea {n}",
            description="d",
            created_on=T0 + timedelta(minutes=n),
        )
        for n in range(count)
    ]


def test_an_organization_without_activity_has_an_empty_feed(client: TestClient) -> None:
    assert feed(client, 1) == {"items": [], "limit": 20, "offset": 0, "total": 0}


def test_newest_first_whatever_the_order_of_arrival(client: TestClient, database_url: str) -> None:
    shuffled = [ideas(1, 5)[n] for n in (2, 0, 4, 1, 3)]
    deliver_each(database_url, shuffled)

    names = [item["payload"]["name"] for item in feed(client, 1)["items"]]

    assert names == ["Idea 4", "Idea 3", "Idea 2", "Idea 1", "Idea 0"]


def test_at_the_same_moment_the_later_recorded_first(client: TestClient, database_url: str) -> None:
    events = ideas(1, 3)
    deliver(database_url, [(event, meta_for(event, occurred_at=T0)) for event in events])

    names = [item["payload"]["name"] for item in feed(client, 1)["items"]]

    assert names == ["Idea 2", "Idea 1", "Idea 0"]


def test_pages(client: TestClient, database_url: str) -> None:
    deliver_each(database_url, ideas(1, 5))

    pages = [feed(client, 1, limit=2, offset=offset) for offset in (0, 2, 4, 6)]

    assert [[item["payload"]["name"] for item in page["items"]] for page in pages] == [
        ["Idea 4", "Idea 3"],
        ["Idea 2", "Idea 1"],
        ["Idea 0"],
        [],
    ]
    assert [(page["limit"], page["offset"], page["total"]) for page in pages] == [
        (2, 0, 5),
        (2, 2, 5),
        (2, 4, 5),
        (2, 6, 5),
    ]


def test_the_largest_page(client: TestClient, database_url: str) -> None:
    deliver_each(database_url, ideas(1, 101))

    page = feed(client, 1, limit=100)

    assert (len(page["items"]), page["total"]) == (100, 101)


def test_filters_by_type(client: TestClient, database_url: str) -> None:
    deliver_each(database_url, [*every_event(1), *ideas(1, 2)])

    page = feed(client, 1, type="IdeaCreated")
    assert [item["type"] for item in page["items"]] == ["IdeaCreated"] * 3
    assert page["total"] == 3

    assert feed(client, 1, type="RoleCreated", limit=1)["total"] == 1


def test_a_type_without_activity_is_an_empty_page(client: TestClient, database_url: str) -> None:
    deliver_each(database_url, ideas(1, 2))

    assert feed(client, 1, type="MemberCreated") == {
        "items": [],
        "limit": 20,
        "offset": 0,
        "total": 0,
    }


class TestTenancy:
    @pytest.fixture(autouse=True)
    def two_feeds(self, database_url: str) -> None:
        deliver_each(database_url, [*every_event(1), *every_event(2), *ideas(2, 3)])

    def test_each_organization_sees_its_own(self, client: TestClient) -> None:
        first, second = feed(client, 1), feed(client, 2)
        assert {item["organizationId"] for item in first["items"]} == {1}
        assert {item["organizationId"] for item in second["items"]} == {2}
        assert (first["total"], second["total"]) == (7, 10)

    def test_a_member_of_both_reads_each_apart(self, client: TestClient) -> None:
        assert feed(client, 1, token=[1, 2])["total"] == 7
        assert feed(client, 2, token=[1, 2])["total"] == 10

    @pytest.mark.parametrize("path", ["/organizations/2/activities", "/organizations/3/activities"])
    def test_another_organization_is_not_found(self, client: TestClient, path: str) -> None:
        """Whether the organization exists is not told apart from not belonging to it."""
        for query in ("", "?type=IdeaCreated", "?limit=1&offset=1"):
            response = client.get(path + query, headers=bearer(1))
            assert response.status_code == 404, response.text
            assert response.headers["content-type"] == PROBLEM
            assert response.json()["status"] == 404
            assert "IdeaCreated" not in response.text

    def test_no_organization_at_all_sees_nothing(self, client: TestClient) -> None:
        response = client.get("/organizations/1/activities", headers=bearer())
        assert response.status_code == 404


def test_health(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_when_the_database_answers(client: TestClient) -> None:
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
