"""Activities in and out of the `activity` table, on the connection of the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, RowMapping, and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contractgen.runtime.paging import Page, PageRequest
from contractgen.runtime.writes import InsertMany, Writes
from services.activity.adapters.tables import activity as table
from services.activity.domain.activities import Activity, RecordedActivity

_NEWEST_FIRST = (table.c.occurred_on.desc(), table.c.id.desc())
# Built once, run with each row's parameters: building an INSERT per event cost more than its
# round trip. A row comes back only when one was written (an INSERT's rowcount is -1 here).
_ADD = insert(table).on_conflict_do_nothing(index_elements=[table.c.event_id]).returning(table.c.id)
# For a batch's rows at once (one statement, one parameter on PostgreSQL): no RETURNING, the
# inbox has filtered repeats.
_ADD_LATER = InsertMany(
    table,
    (
        "event_id",
        "organization_id",
        "type",
        "aggregate_id",
        "occurred_on",
        "payload",
        "recorded_at",
    ),
    conflict=("event_id",),
)


class ActivityRepository:
    def __init__(self, connection: AsyncConnection, writes: Writes | None = None) -> None:
        self._connection = connection
        self._writes = writes

    async def add(self, activity: Activity, recorded_at: datetime) -> bool:
        """Record the activity; False, and nothing written, when its event is recorded already.
        With `writes` (the consumer loop's, whose inbox has already let only first deliveries
        through) the row is handed over to be inserted with the batch's, and True returned."""
        row = {
            "event_id": activity.event_id,
            "organization_id": activity.organization_id,
            "type": activity.type,
            "aggregate_id": activity.aggregate_id,
            "occurred_on": activity.occurred_on,
            "payload": dict(activity.payload),
            "recorded_at": recorded_at,
        }
        if self._writes is not None:
            self._writes.add(_ADD_LATER, row)
            return True
        return (await self._connection.execute(_ADD, row)).first() is not None

    async def page(
        self, organization_id: int, request: PageRequest, type_: str | None = None
    ) -> Page[RecordedActivity]:
        """One page of the organization's feed, newest first, maybe of one type only."""
        where: ColumnElement[bool] = table.c.organization_id == organization_id
        if type_ is not None:
            where = and_(where, table.c.type == type_)
        rows = await self._connection.execute(
            select(table)
            .where(where)
            .order_by(*_NEWEST_FIRST)
            .limit(request.limit)
            .offset(request.offset)
        )
        items = tuple(_recorded(row) for row in rows.mappings())
        total = await self._connection.scalar(select(func.count()).select_from(table).where(where))
        return Page(items, request, int(total or 0))


def _recorded(row: RowMapping) -> RecordedActivity:
    return RecordedActivity(
        id=row["id"],
        event_id=row["event_id"],
        organization_id=row["organization_id"],
        type=row["type"],
        aggregate_id=row["aggregate_id"],
        occurred_on=row["occurred_on"],
        payload=row["payload"],
    )
