"""The event side of the contract check: each problem names the channel, the message and the JSON
pointer; a row that honours the AsyncAPI document passes."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contractgen.runtime.outbox import outbox_row
from contractgen.spec.project import load_project
from contractgen.testing.contract import OutboxRow
from contractgen.testing.events import EventContract
from generated.idea.events import IdeaCreated, IdeaDeleted

SPECS = Path(__file__).resolve().parents[2] / "specs"
WHERE = "channel microservicesapp.idea.events, message IdeaCreated"


@pytest.fixture(scope="module")
def contract() -> EventContract:
    (idea,) = [s for s in load_project(SPECS).services if s.name == "idea"]
    return EventContract.of(idea)


def row_of(event: IdeaCreated | IdeaDeleted) -> OutboxRow:
    columns = outbox_row(event, event_id=uuid.uuid4())
    columns["traceparent"] = None  # a call without trace context
    return OutboxRow(
        str(columns["id"]), columns["type"], columns["aggregateid"], columns["payload"], columns
    )


CREATED = IdeaCreated(
    idea_id=12,
    organization_id=1,
    name="Four-day week",
    description="Try it.",
    created_on=datetime(2026, 1, 31, 10, tzinfo=UTC),
)


def test_a_row_that_honours_the_contract_passes(contract: EventContract) -> None:
    assert contract.problems("createIdea", 201, [row_of(CREATED)]) == []


def test_the_kafka_key_is_the_x_aggregate_id_field(contract: EventContract) -> None:
    row = replace(row_of(CREATED), aggregate_id="13")
    assert contract.problems("createIdea", 201, [row]) == [
        f"{WHERE}, /payload/ideaId: the Kafka key '13' is not the payload's ideaId (12, x-aggregate-id)"
    ]


@pytest.mark.parametrize(
    ("column", "header"),
    [("schema_id", "schemaId"), ("occurred_at", "occurredAt"), ("type", "eventType"), ("id", "id")],
)
def test_every_header_the_outbox_carries_is_present(
    contract: EventContract, column: str, header: str
) -> None:
    row = row_of(CREATED)
    row = replace(row, columns={**row.columns, column: None})
    problems = contract.problems("createIdea", 201, [row])
    assert f"{WHERE}, /headers/{header}: missing (outbox column {column})" in problems


def test_the_topic_is_the_channel_address(contract: EventContract) -> None:
    row = row_of(CREATED)
    row = replace(row, columns={**row.columns, "aggregatetype": "ideas"})
    assert contract.problems("createIdea", 201, [row]) == [
        f"{WHERE}, /aggregatetype: routed to 'ideas', the channel's address is "
        "'microservicesapp.idea.events'"
    ]


def test_the_schema_id_header_is_the_contracts(contract: EventContract) -> None:
    row = row_of(CREATED)
    row = replace(row, columns={**row.columns, "schema_id": "x@1"})
    (problem,) = contract.problems("createIdea", 201, [row])
    assert problem.startswith(f"{WHERE}, /headers/schemaId: 'x@1' is not the contract's schema")


def test_a_payload_that_does_not_decode_is_reported(contract: EventContract) -> None:
    truncated = replace(row_of(CREATED), payload=row_of(CREATED).payload[:3])
    (problem,) = contract.problems("createIdea", 201, [truncated])
    assert problem.startswith(f"{WHERE}, /payload: does not decode against the Avro schema")
    padded = replace(row_of(CREATED), payload=row_of(CREATED).payload + b"\x00")
    assert contract.problems("createIdea", 201, [padded]) == [
        f"{WHERE}, /payload: does not decode against the Avro schema: 1 byte(s) left over "
        "after the record"
    ]


def test_exactly_the_declared_events(contract: EventContract) -> None:
    deleted = row_of(IdeaDeleted(idea_id=12, organization_id=1, deleted_on=CREATED.created_on))
    assert contract.problems("createIdea", 201, []) == [
        "the outbox gained [], operation createIdea declares ['IdeaCreated'] (x-emits)"
    ]
    assert contract.problems("createIdea", 201, [row_of(CREATED), deleted]) == [
        "the outbox gained ['IdeaCreated', 'IdeaDeleted'], operation createIdea declares "
        "['IdeaCreated'] (x-emits)"
    ]


def test_a_failed_call_writes_nothing(contract: EventContract) -> None:
    assert contract.problems("createIdea", 404, []) == []
    assert contract.problems("createIdea", 400, [row_of(CREATED)]) == [
        "a failed call (400) wrote ['IdeaCreated'] to the outbox"
    ]
