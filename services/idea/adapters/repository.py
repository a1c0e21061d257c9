"""Ideas in and out of the `idea` table, on the connection of the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contractgen.runtime.paging import Page, PageRequest
from contractgen.runtime.statements import Statement
from services.idea.adapters.tables import idea as table
from services.idea.domain.ideas import Idea, NewIdea

_NEWEST_FIRST = (table.c.created_on.desc(), table.c.id.desc())


# Built once, run with each idea's parameters: the write path's hottest statement, so it runs
# on the driver (contractgen.runtime.statements) rather than through SQLAlchemy's execution.
_ADD = Statement(insert(table).returning(*table.c))


class IdeaRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, new: NewIdea) -> Idea:
        row = {
            "organization_id": new.organization_id,
            "name": new.draft.name,
            "description": new.draft.description,
            "created_on": new.created_on,
            "last_updated": new.created_on,
        }
        (added,) = await _ADD.rows(self._connection, row)
        return _idea(added)

    async def get(self, organization_id: int, idea_id: int, *, lock: bool = False) -> Idea | None:
        """The idea, if this organization has it; `lock` holds it until the transaction ends, so
        that concurrent changes to one idea (and their events) happen one after the other."""
        statement = select(table).where(
            table.c.organization_id == organization_id, table.c.id == idea_id
        )
        if lock:
            statement = statement.with_for_update()
        row = (await self._connection.execute(statement)).mappings().one_or_none()
        return None if row is None else _idea(row)

    async def page(self, organization_id: int, request: PageRequest) -> Page[Idea]:
        where = table.c.organization_id == organization_id
        rows = await self._connection.execute(
            select(table)
            .where(where)
            .order_by(*_NEWEST_FIRST)
            .limit(request.limit)
            .offset(request.offset)
        )
        total = await self._connection.scalar(select(func.count()).select_from(table).where(where))
        return Page(tuple(_idea(row) for row in rows.mappings()), request, int(total or 0))

    async def save(self, idea: Idea) -> None:
        """Store the idea's content and last-updated time."""
        result = await self._connection.execute(
            update(table)
            .where(table.c.organization_id == idea.organization_id, table.c.id == idea.id)
            .values(name=idea.name, description=idea.description, last_updated=idea.last_updated)
        )
        _expect_one(result.rowcount, idea)

    async def remove(self, idea: Idea) -> None:
        result = await self._connection.execute(
            delete(table).where(
                table.c.organization_id == idea.organization_id, table.c.id == idea.id
            )
        )
        _expect_one(result.rowcount, idea)


def _idea(row: Mapping[Any, Any]) -> Idea:
    return Idea(
        id=row["id"],
        organization_id=row["organization_id"],
        name=row["name"],
        description=row["description"],
        created_on=row["created_on"].astimezone(UTC),
        last_updated=row["last_updated"].astimezone(UTC),
    )


def _expect_one(rowcount: int, idea: Idea) -> None:
    # The row is locked by the caller's `get(..., lock=True)`: anything else is a bug.
    if rowcount != 1:
        raise RuntimeError(f"idea {idea.id} changed {rowcount} rows, expected 1")
