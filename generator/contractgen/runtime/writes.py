"""Writes a consumer's handlers hand over instead of executing one by one.

A handler that only inserts (the usual case for a read model) adds its row here; after every
handler of the batch has run, each statement is executed once with all its rows in the batch's
transaction, before the commit. A batch of 1,000 events then costs a few round trips instead of
1,000. `InsertMany` goes further on PostgreSQL: all the rows in one statement with one parameter.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Executable, Table, insert, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

Rows = Sequence[Mapping[str, Any]]


def _json_value(value: object) -> object:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()  # bytea's text form
    raise TypeError(f"{type(value).__name__} cannot travel in a JSON parameter")


class InsertMany:
    """An INSERT of many rows into `table`, maybe ignoring rows that conflict on `conflict`.

    On PostgreSQL the rows travel as ONE JSON parameter, unpacked by `json_to_recordset` with the
    columns' own types: one short statement whatever the number of rows, where an executemany
    sends every row's parameters and a multi-row VALUES is a new statement per batch size.
    Elsewhere (SQL Server...) it is the portable executemany, which does not skip conflicting
    rows: a consumer's inbox has already kept redeliveries out of its batch."""

    def __init__(
        self, table: Table, columns: Sequence[str], conflict: Sequence[str] | None = None
    ) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.conflict = tuple(conflict) if conflict is not None else None
        self._portable = insert(table)
        self._postgresql: str | None = None

    def postgresql_sql(self) -> str:
        if self._postgresql is None:
            dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
            quote = dialect.identifier_preparer.quote
            names = ", ".join(quote(c) for c in self.columns)
            types = ", ".join(
                f"{quote(c)} {self.table.c[c].type.compile(dialect=dialect)}" for c in self.columns
            )
            on_conflict = ""
            if self.conflict:
                target = ", ".join(quote(c) for c in self.conflict)
                on_conflict = f" ON CONFLICT ({target}) DO NOTHING"
            self._postgresql = (
                f"INSERT INTO {dialect.identifier_preparer.format_table(self.table)} ({names})"
                f" SELECT {names} FROM json_to_recordset(CAST(:rows AS json)) AS r({types})"
                f"{on_conflict}"
            )
        return self._postgresql

    async def execute(self, connection: AsyncConnection, rows: Rows) -> None:
        if not rows:
            return
        if connection.dialect.name == "postgresql":
            batch = json.dumps(
                [{c: row[c] for c in self.columns} for row in rows], default=_json_value
            )
            await connection.execute(text(self.postgresql_sql()), {"rows": batch})
            return
        await connection.execute(self._portable, list(rows))


class Writes:
    def __init__(self) -> None:
        # Insertion-ordered: statements run in the order first used, rows in the order added.
        self._rows: dict[Executable | InsertMany, list[Mapping[str, Any]]] = {}

    def add(self, statement: Executable | InsertMany, row: Mapping[str, Any]) -> None:
        """Run `statement` with `row` before the batch commits (build `statement` once)."""
        self._rows.setdefault(statement, []).append(row)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows.values())

    async def flush(self, connection: AsyncConnection) -> None:
        rows, self._rows = self._rows, {}
        for statement, parameters in rows.items():
            if isinstance(statement, InsertMany):
                await statement.execute(connection, parameters)
            else:
                await connection.execute(statement, list(parameters))
