"""The domain rules, in plain Python."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from contractgen.runtime.principal import Principal
from services.organization.domain import errors
from services.organization.domain.departments import Department, new_department
from services.organization.domain.members import NewMember, new_member
from services.organization.domain.organizations import (
    Organization,
    ensure_visible,
    new_organization,
)
from services.organization.domain.roles import Role, new_role
from services.organization.domain.text import checked_text, to_millis
from services.organization.entrypoints.responses import timestamp

ENGINEERING = Department(id=3, organization_id=1, name="Engineering")
ENGINEER = Role(id=5, organization_id=1, name="Software engineer")


def test_a_new_organization_keeps_its_text_and_the_time_to_the_millisecond() -> None:
    now = datetime(2026, 1, 31, 11, 0, 0, 999999, tzinfo=timezone(timedelta(hours=1)))
    new = new_organization("Acme", "Makers of fine anvils.", created_by="ada", now=now)
    assert new.name == "Acme"
    assert new.description == "Makers of fine anvils."
    assert new.created_on == datetime(2026, 1, 31, 10, 0, 0, 999000, tzinfo=UTC)


def test_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        to_millis(datetime(2026, 1, 31))


@pytest.mark.parametrize(
    ("name", "description", "complaint"),
    [
        ("", "d", "name must not be blank"),
        (" \t", "d", "name must not be blank"),
        ("x" * 51, "d", "name must be at most 50 characters long"),
        ("Acme", "x" * 201, "description must be at most 200 characters long"),
        ("Ac\x00me", "d", "name must not contain NUL characters"),
        ("Acme", "\ud800", "description must not contain unpaired surrogates"),
    ],
)
def test_an_organization_needs_storable_text_within_the_limits(
    name: str, description: str, complaint: str
) -> None:
    with pytest.raises(errors.InvalidInput, match=re.escape(complaint)):
        new_organization(name, description, created_by="ada", now=datetime.now(UTC))


def test_limits_count_characters_not_utf16_units() -> None:
    assert checked_text("😀" * 50, field="name", max_length=50) == "😀" * 50


def _organization(organization_id: int, created_by: str | None) -> Organization:
    return Organization(organization_id, "Acme", "Anvils.", datetime.now(UTC), created_by)


def test_an_organization_is_visible_only_to_its_members_and_its_creator() -> None:
    member_of_1_and_2 = Principal("ada", frozenset({1, 2}))
    assert ensure_visible(1, _organization(1, None), member_of_1_and_2).id == 1
    assert ensure_visible(3, _organization(3, "ada"), member_of_1_and_2).id == 3
    with pytest.raises(
        errors.UnknownOrganization, match=re.escape("Organization 3 does not exist.")
    ):
        ensure_visible(3, _organization(3, "grace"), member_of_1_and_2)
    with pytest.raises(errors.UnknownOrganization):
        ensure_visible(4, _organization(4, None), member_of_1_and_2)
    with pytest.raises(errors.UnknownOrganization):
        ensure_visible(1, None, member_of_1_and_2)


def test_department_and_role_names_are_checked() -> None:
    assert new_department(1, "Engineering").name == "Engineering"
    assert new_role(1, "Software engineer").name == "Software engineer"
    with pytest.raises(errors.InvalidInput):
        new_department(1, "x" * 51)
    with pytest.raises(errors.InvalidInput):
        new_role(1, "x" * 101)
    assert new_role(1, "x" * 100).name == "x" * 100


def test_a_name_is_used_once_per_organization() -> None:
    new_department(1, "Engineering").check_unique(None)
    with pytest.raises(
        errors.NameTaken,
        match=re.escape("Organization 1 already has a department named 'Engineering'."),
    ):
        new_department(1, "Engineering").check_unique(ENGINEERING)
    with pytest.raises(errors.NameTaken, match="a role named 'Software engineer'"):
        new_role(1, "Software engineer").check_unique(ENGINEER)


def place(organization_id: int, role: Role | None, department: Department | None) -> NewMember:
    return new_member(
        organization_id,
        "Ada Lovelace",
        role_id=5,
        role=role,
        department_id=3,
        department=department,
    )


def test_a_member_takes_a_role_and_a_department_of_their_own_organization() -> None:
    assert place(1, ENGINEER, ENGINEERING) == NewMember(1, "Ada Lovelace", 5, 3)


@pytest.mark.parametrize(
    ("role", "department", "complaint"),
    [
        (None, ENGINEERING, "Role 5 does not belong to organization 1."),
        (Role(5, 2, "Elsewhere"), ENGINEERING, "Role 5 does not belong to organization 1."),
        (ENGINEER, None, "Department 3 does not belong to organization 1."),
        (ENGINEER, Department(3, 2, "Elsewhere"), "Department 3 does not belong"),
        (Role(6, 1, "Other id"), ENGINEERING, "Role 5 does not belong"),
    ],
)
def test_a_member_cannot_take_what_is_missing_or_another_organizations(
    role: Role | None, department: Department | None, complaint: str
) -> None:
    with pytest.raises(errors.OutsideOrganization, match=re.escape(complaint)):
        place(1, role, department)


def test_a_members_name_is_checked() -> None:
    with pytest.raises(errors.InvalidInput, match="at most 150"):
        new_member(1, "x" * 151, role_id=5, role=ENGINEER, department_id=3, department=ENGINEERING)


def test_timestamps_are_rfc3339_utc_with_milliseconds() -> None:
    moment = datetime(2026, 1, 31, 11, 0, 0, 123000, tzinfo=timezone(timedelta(hours=1)))
    assert timestamp(moment) == "2026-01-31T10:00:00.123Z"
