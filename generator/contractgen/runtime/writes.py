"""Writes a consumer's handlers hand over instead of executing one by one.

A handler that only inserts (the usual case for a read model) adds its row here; after every
handler of the batch has run, each statement is executed once with all its rows (one
executemany, pipelined by psycopg) in the batch's transaction, before the commit. A batch of
500 events then costs a few round trips instead of 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncConnection


class Writes:
    def __init__(self) -> None:
        # Insertion-ordered: statements run in the order first used, rows in the order added.
        self._rows: dict[Executable, list[Mapping[str, Any]]] = {}

    def add(self, statement: Executable, row: Mapping[str, Any]) -> None:
        """Run `statement` with `row` before the batch commits (build `statement` once)."""
        self._rows.setdefault(statement, []).append(row)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows.values())

    async def flush(self, connection: AsyncConnection) -> None:
        rows, self._rows = self._rows, {}
        for statement, parameters in rows.items():
            await connection.execute(statement, list(parameters))
