"""The domain's rules, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from contractgen.runtime.values import to_millis
from services.idea.domain.errors import InvalidInput, UnknownOrganization
from services.idea.domain.ideas import Idea, IdeaDraft, NewIdea
from services.idea.domain.rules import ensure_member
from services.idea.entrypoints.responses import timestamp

T0 = datetime(2026, 1, 31, 10, 0, 0, 123000, tzinfo=UTC)


def an_idea(**changes: object) -> Idea:
    fields: dict[str, object] = {
        "id": 12,
        "organization_id": 1,
        "name": "Four-day week",
        "description": "Try it for a quarter.",
        "created_on": T0,
        "last_updated": T0,
    }
    fields.update(changes)
    return Idea(**fields)  # type: ignore[arg-type]


class TestDraft:
    def test_holds_name_and_description(self) -> None:
        draft = IdeaDraft("Four-day week", "Try it for a quarter.")
        assert (draft.name, draft.description) == ("Four-day week", "Try it for a quarter.")

    def test_a_description_may_be_blank_as_the_contract_allows(self) -> None:
        assert IdeaDraft("n", " ").description == " "

    def test_lengths_count_characters(self) -> None:
        # 50 and 500 characters, each outside the BMP (two UTF-16 units, four UTF-8 bytes).
        IdeaDraft("\U0001f4a1" * 50, "\U0001f4a1" * 500)

    @pytest.mark.parametrize(
        ("name", "description", "message"),
        [
            ("", "d", "name must not be empty."),
            (" \t\n", "d", "name must not be blank."),
            ("n", "", "description must not be empty."),
            ("x" * 51, "d", "name must be at most 50 characters long."),
            ("n", "x" * 501, "description must be at most 500 characters long."),
            ("a\x00b", "d", "name must not contain NUL characters."),
            ("n", "\x00", "description must not contain NUL characters."),
            ("a\ud800", "d", "name must not contain unpaired surrogates."),
        ],
    )
    def test_refuses(self, name: str, description: str, message: str) -> None:
        with pytest.raises(InvalidInput) as raised:
            IdeaDraft(name, description)
        assert raised.value.message == message


class TestNewIdea:
    def test_created_on_is_utc_whole_milliseconds(self) -> None:
        local = datetime(2026, 1, 31, 11, 0, 0, 123987, tzinfo=timezone(timedelta(hours=1)))
        new = NewIdea(1, IdeaDraft("n", "d"), local)
        assert new.created_on == datetime(2026, 1, 31, 10, 0, 0, 123000, tzinfo=UTC)
        assert new.created_on.tzinfo is UTC

    def test_refuses_a_naive_time(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            NewIdea(1, IdeaDraft("n", "d"), datetime(2026, 1, 31))

    @pytest.mark.parametrize("organization_id", [0, -1, 2**63])
    def test_refuses_an_organization_id_out_of_range(self, organization_id: int) -> None:
        with pytest.raises(InvalidInput):
            NewIdea(organization_id, IdeaDraft("n", "d"), T0)


class TestRevised:
    def test_replaces_content_and_bumps_last_updated(self) -> None:
        later = T0 + timedelta(days=2, microseconds=456789)
        revised = an_idea().revised(IdeaDraft("Five-day week", "Back to normal."), later)
        assert revised == an_idea(
            name="Five-day week",
            description="Back to normal.",
            last_updated=T0 + timedelta(days=2, microseconds=456000),
        )

    @pytest.mark.parametrize("now", [T0, T0 - timedelta(hours=1)], ids=["stalled", "stepped-back"])
    def test_last_updated_moves_forward_whatever_the_clock(self, now: datetime) -> None:
        revised = an_idea().revised(IdeaDraft("n", "d"), now)
        assert revised.last_updated == T0 + timedelta(milliseconds=1)
        assert revised.created_on == T0

    def test_deletion_is_never_before_the_last_update(self) -> None:
        idea = an_idea(last_updated=T0 + timedelta(seconds=5))
        assert idea.deleted_at(T0) == T0 + timedelta(seconds=5)
        assert idea.deleted_at(T0 + timedelta(seconds=9, microseconds=1500)) == T0 + timedelta(
            seconds=9, microseconds=1000
        )


class TestTenancy:
    def test_a_member_passes(self) -> None:
        ensure_member(frozenset({1, 2}), 2)

    def test_another_organization_is_unknown(self) -> None:
        with pytest.raises(UnknownOrganization) as raised:
            ensure_member(frozenset({1}), 2)
        assert raised.value.message == "Organization 2 was not found."

    @pytest.mark.parametrize("organization_id", [0, 2**63])
    def test_an_id_out_of_range_is_invalid(self, organization_id: int) -> None:
        with pytest.raises(InvalidInput):
            ensure_member(frozenset({organization_id}), organization_id)


def test_times_are_rendered_in_utc_with_milliseconds() -> None:
    moment = datetime(2026, 1, 31, 11, 0, 0, 5000, tzinfo=timezone(timedelta(hours=1)))
    assert timestamp(moment) == "2026-01-31T10:00:00.005Z"
    assert to_millis(moment) == datetime(2026, 1, 31, 10, 0, 0, 5000, tzinfo=UTC)
