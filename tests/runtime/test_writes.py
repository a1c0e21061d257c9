"""`InsertMany` on a real PostgreSQL: a batch's rows in one statement, every type arriving as
the column's own (uuid, timestamptz, json keeping its text, bytea, numbers), conflicts skipped."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from contractgen.runtime.writes import InsertMany, Writes

pytestmark = pytest.mark.postgres


def _table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "row",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("label", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=True),
    )


def _rows(url: str, rows: list[dict[str, Any]], conflict: tuple[str, ...] | None) -> list[Any]:
    metadata = sa.MetaData()
    table = _table(metadata)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    metadata.create_all(engine)
    columns = ("event_id", "amount", "label", "at", "payload", "blob")

    async def run() -> None:
        async_engine = create_async_engine(url, poolclass=sa.NullPool)
        writes = Writes()
        many = InsertMany(table, columns, conflict=conflict)
        for row in rows:
            writes.add(many, row)
        async with async_engine.begin() as connection:
            await writes.flush(connection)
        await async_engine.dispose()

    asyncio.run(run())
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(*[table.c[c] for c in columns], sa.cast(table.c.payload, sa.Text)).order_by(
                table.c.id
            )
        ).all()
    engine.dispose()
    return [tuple(row) for row in found]


def test_rows_arrive_with_their_types_in_order(new_database: Callable[[str], str]) -> None:
    url = new_database("writes")
    first, second = uuid.uuid4(), uuid.uuid4()
    at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=2)))
    payload = {"z": "last field first", "a": ["é", "\u2028", 1.5, None], "quote": '"\\'}
    rows = [
        {
            "event_id": first,
            "amount": 2**62,
            "label": "x'); DROP",
            "at": at,
            "payload": payload,
            "blob": b"\x00\xff",
        },
        {"event_id": second, "amount": -1, "label": None, "at": at, "payload": {}, "blob": None},
    ]
    found = _rows(url, rows, conflict=None)
    assert [r[:6] for r in found] == [
        (first, 2**62, "x'); DROP", at.astimezone(UTC), payload, b"\x00\xff"),
        (second, -1, None, at.astimezone(UTC), {}, None),
    ]
    # json, not jsonb: the payload keeps its field order.
    assert list(json.loads(found[0][6])) == ["z", "a", "quote"]


def test_conflicting_rows_are_skipped_with_a_conflict_target(
    new_database: Callable[[str], str],
) -> None:
    url = new_database("writes_conflict")
    event_id = uuid.uuid4()
    at = datetime.now(UTC)
    row = {"event_id": event_id, "amount": 1, "label": "a", "at": at, "payload": {}, "blob": None}
    twice = [row, {**row, "label": "b"}]
    assert [r[2] for r in _rows(url, twice, conflict=("event_id",))] == ["a"]


def test_without_a_conflict_target_a_conflict_fails(new_database: Callable[[str], str]) -> None:
    url = new_database("writes_no_conflict")
    event_id = uuid.uuid4()
    at = datetime.now(UTC)
    row = {"event_id": event_id, "amount": 1, "label": "a", "at": at, "payload": {}, "blob": None}
    with pytest.raises(sa.exc.IntegrityError):
        _rows(url, [row, row], conflict=None)
