"""Helpers for the organization tests: tokens, and a look at what the database holds."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.testing.outbox import outbox_log
from generated.organization.events import EVENT_TYPES, OrganizationEvent
from services.identity import IDENTITY
from services.organization.adapters.tables import metadata

NOW = datetime(2026, 1, 31, 10, 0, 0, 123456, tzinfo=UTC)
"""The clock of the app under test; responses and events carry it cut to milliseconds."""
CREATED_ON = "2026-01-31T10:00:00.123Z"
TABLES = ("organization", "department", "role", "member", "outbox")


def auth(*organizations: int, subject: str = "ada") -> dict[str, str]:
    return {
        "Authorization": f"Bearer {mint_token(IDENTITY, subject, list(organizations), secret=LOCAL_SECRET)}"
    }


class Database:
    """Sync access to the service's database, to check what a request left behind."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url, poolclass=sa.NullPool)

    def counts(self) -> dict[str, int]:
        """Rows per table; for "outbox", the events committed to it (read from the WAL: the
        outbox table itself must be empty, each row deleted in the transaction that wrote it)."""
        with self.engine.connect() as connection:
            counts = {
                name: connection.execute(
                    sa.select(sa.func.count()).select_from(metadata.tables[name])
                ).scalar_one()
                for name in TABLES
            }
        assert counts["outbox"] == 0, f"{counts['outbox']} outbox row(s) stayed behind"
        return {**counts, "outbox": len(outbox_log(self.url))}

    def events(self) -> list[OrganizationEvent]:
        """The events committed to the outbox (from the WAL) in commit order, decoded with the
        generated classes."""
        return [self._decode(row) for row in self.outbox_rows()]

    def outbox_rows(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(row) for row in outbox_log(self.url)]

    @staticmethod
    def _decode(row: Any) -> OrganizationEvent:
        event_type = EVENT_TYPES[row["type"]]
        assert row["schema_id"] == event_type.avro_schema().schema_id
        event = event_type.from_framed(row["payload"])
        assert row["aggregatetype"] == event.__topic__
        assert row["aggregateid"] == event.aggregate_id()
        return event

    def insert_organization(self, name: str = "Elsewhere") -> int:
        """An organization written behind the API's back (no event): another tenant's."""
        with self.engine.begin() as connection:
            return int(
                connection.execute(
                    sa.insert(metadata.tables["organization"])
                    .values(name=name, description="Another tenant.", created_on=NOW)
                    .returning(metadata.tables["organization"].c.id)
                ).scalar_one()
            )
