"""Framework-owned statements on the request path, run close to the driver.

SQLAlchemy stays the portable data layer: a `Statement` is a Core statement, compiled by the
connection's own dialect. On PostgreSQL with psycopg (the async driver the services use) it is
compiled once per set of parameter names and run directly on the psycopg connection underneath
the SQLAlchemy connection, in the same transaction: that skips the compile cache lookup, the
result machinery and two greenlet hops per statement. Statements go as one simple query, their
parameters bound as literals by psycopg's client-side binding (its `ClientCursor`, which quotes
through libpq): one round trip can then carry several of them, the transaction's BEGIN with its
first statement, and the outbox rows with the COMMIT. Round trips are what cost the service its
CPU here; prepared statements and pipeline mode would save the server's parsing but cost the
client more than they save. Any other dialect (SQL Server, say) takes SQLAlchemy's normal path
with the same results.

Errors come out as SQLAlchemy's (`IntegrityError`, `OperationalError`, ... all `DBAPIError`), as
from `AsyncConnection.execute`, so callers handle one kind; a lost connection is invalidated, as
SQLAlchemy does, so that the pool does not hand it out again.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase

Row = dict[str, Any]
Core = UpdateBase | Select[Any]
Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    """One statement as the driver takes it: SQL text, the fixed parameters (literals in the
    statement), and the converters SQLAlchemy's types apply on the way in and out."""

    sql: str
    fixed: Mapping[str, Any]
    renamed: Mapping[str, str]
    binds: Mapping[str, Processor]
    results: Sequence[Processor | None]
    returns_rows: bool

    def parameters(self, values: Mapping[str, Any]) -> dict[str, Any]:
        merged = dict(self.fixed)
        for key, value in values.items():
            merged[self.renamed.get(key, key)] = value
        for name, process in self.binds.items():
            merged[name] = process(merged[name])
        return merged

    def row(self, names: Sequence[str], values: Sequence[Any]) -> Row:
        return {
            name: value if process is None else process(value)
            for name, value, process in zip(names, values, self.results, strict=True)
        }


def _native(connection: AsyncConnection) -> bool:
    """Whether `connection` runs on psycopg 3, whose connection we can drive ourselves. Not once
    invalidated (lost): SQLAlchemy's path then says so, or reconnects where it may."""
    dialect = connection.dialect
    return (
        dialect.name == "postgresql" and dialect.driver == "psycopg" and not connection.invalidated
    )


def _driver(connection: AsyncConnection) -> Any:
    """The psycopg AsyncConnection underneath the SQLAlchemy connection."""
    return connection.sync_connection.connection.driver_connection  # type: ignore[union-attr]


class Statement:
    """A Core statement (`insert(table).returning(...)`, `delete(table).where(...)`) built once at
    import and run with each call's parameters: `rows` for what it returns, `run` for the number
    of rows it changed."""

    def __init__(self, statement: Core) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def compiled(self, dialect: Dialect, keys: Sequence[str]) -> _Compiled:
        # An INSERT's columns are the parameters it is given: compile per set of names.
        cache_key = (dialect.name, tuple(keys))
        compiled = self._compiled.get(cache_key)
        if compiled is None:
            compiled = self._compiled[cache_key] = self._compile(dialect, keys)
        return compiled

    def _compile(self, dialect: Dialect, keys: Sequence[str]) -> _Compiled:
        compiler = self.statement.compile(dialect=dialect, column_keys=list(keys))
        assert isinstance(compiler, SQLCompiler)
        renamed = dict(compiler.escaped_bind_names)
        given = {renamed.get(key, key) for key in keys}
        fixed = {
            name: value
            for name, value in compiler.construct_params(_check=False).items()
            if name not in given
        }
        binds: dict[str, Processor] = {}
        for name, bind in compiler.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binds[renamed.get(name, name)] = process
        columns = list(getattr(self.statement, "exported_columns", ()))
        results = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]
        return _Compiled(compiler.string, fixed, renamed, binds, results, bool(columns))

    async def rows(self, connection: AsyncConnection, values: Mapping[str, Any]) -> list[Row]:
        """The rows the statement returns (RETURNING, SELECT), as column name -> value."""
        if not _native(connection):
            result = await connection.execute(self.statement, dict(values))
            return [dict(row) for row in result.mappings()]
        compiled = self.compiled(connection.dialect, list(values))
        parameters = compiled.parameters(values)
        async with _translated(connection, compiled.sql, parameters):
            cursor = await _send(connection, [(compiled.sql, parameters)])
            found = await cursor.fetchall() if compiled.returns_rows else []
            names = [column.name for column in cursor.description or ()]
        return [compiled.row(names, row) for row in found]

    async def run(self, connection: AsyncConnection, values: Mapping[str, Any]) -> int:
        """Run the statement; the number of rows it inserted, changed or deleted."""
        (count,) = await run_pipelined(connection, [(self, values)])
        return count


async def run_pipelined(
    connection: AsyncConnection, statements: Sequence[tuple[Statement, Mapping[str, Any]]]
) -> list[int]:
    """Run `statements` in order in the connection's transaction, in one round trip on psycopg
    (one simple query carrying them all); each one's row count."""
    if not _native(connection):
        counts = []
        for statement, values in statements:
            result = await connection.execute(statement.statement, dict(values))
            count = result.rowcount
            if count < 0 and result.is_insert:  # its RETURNING of the key hides the count
                keys = result.inserted_primary_key_rows or []
                count = sum(key is not None and any(v is not None for v in key) for key in keys)
            counts.append(count)
        return counts
    prepared = [_prepared(connection, statement, values) for statement, values in statements]
    async with _translated(connection, _joined(prepared), prepared[0][1]):
        cursor = await _send(connection, prepared)
        counts = [cursor.rowcount]
        while cursor.nextset():
            counts.append(cursor.rowcount)
    return counts


# The psycopg connections of units of work (`begin` to `finish`), and those of them whose
# transaction a Statement opened with an explicit BEGIN, which needs the driver's autocommit on
# for the while (psycopg would otherwise send a BEGIN of its own, in a round trip of its own).
_units: weakref.WeakSet[Any] = weakref.WeakSet()
_opened: weakref.WeakSet[Any] = weakref.WeakSet()


async def begin(engine: AsyncEngine) -> AsyncConnection:
    """A connection from the pool, in a new transaction. On psycopg nothing is sent yet: the
    transaction begins with the first statement, in its round trip (a Statement sends BEGIN with
    itself; a SQLAlchemy statement gets the driver's implicit BEGIN), and `finish` must end it.
    Other dialects begin as SQLAlchemy does."""
    connection = await engine.connect()
    if _native(connection):
        _units.add(_driver(connection))
    else:
        await connection.begin()
    return connection


async def finish(
    connection: AsyncConnection,
    *,
    commit: bool,
    last: Sequence[tuple[Statement, Mapping[str, Any]]] = (),
) -> None:
    """Commit or roll back the transaction `begin` opened, then return the connection to the
    pool; on commit, `last` runs first, in the same round trip as the COMMIT on psycopg (the
    unit of work's outbox rows). On psycopg the driver commits: SQLAlchemy may not know of the
    transaction (only Statements ran), and would then commit nothing."""
    driver = _driver(connection) if _native(connection) else None
    try:
        if driver is None:
            if commit:
                await run_pipelined(connection, last)
            await (connection.commit() if commit else connection.rollback())
        elif not commit:
            async with _translated(connection, "ROLLBACK", None):
                await driver.rollback()
        elif not last:
            async with _translated(connection, "COMMIT", None):
                await driver.commit()
        else:
            prepared = [_prepared(connection, statement, values) for statement, values in last]
            async with _translated(connection, _joined(prepared), prepared[0][1]):
                try:
                    await _send(connection, [*prepared, ("COMMIT", None)])
                except Exception:
                    if not driver.broken:  # a refused row: end the failed transaction here
                        await driver.rollback()
                    raise
    finally:
        try:
            if driver is not None:
                await _ended(connection, driver)
        finally:
            await connection.close()


async def _send(
    connection: AsyncConnection, statements: Sequence[tuple[str, Mapping[str, Any] | None]]
) -> Any:
    """`statements` in one simple query, their parameters bound as literals by psycopg's client
    side binding; the cursor, at the first statement's result. In a unit of work whose
    transaction has not begun, the query begins it: `BEGIN; ...`.

    One round trip carries any number of statements, and on this path the driver's CPU per round
    trip (its wait on the socket) costs more than the statements themselves: prepared statements
    or pipeline mode save the server's parsing, not the client's work."""
    driver = _driver(connection)
    cursor = _cursor(driver)
    texts = [
        text if values is None else cursor.mogrify(text, values) for text, values in statements
    ]
    opening = driver in _units and driver.pgconn.transaction_status == TransactionStatus.IDLE
    if opening:
        if not driver.autocommit:
            await driver.set_autocommit(True)
            _opened.add(driver)
        texts.insert(0, "BEGIN")
    await cursor.execute("; ".join(texts))
    if opening:
        cursor.nextset()
    return cursor


async def _ended(connection: AsyncConnection, driver: Any) -> None:
    """After `finish`: the driver's autocommit as the pool lent it, or the connection
    invalidated if its transaction could not be ended (a lost connection)."""
    _units.discard(driver)
    if driver not in _opened:
        return
    _opened.discard(driver)
    if driver.pgconn.transaction_status == TransactionStatus.IDLE:
        await driver.set_autocommit(False)
    elif not connection.invalidated:
        await connection.invalidate()


def _cursor(driver: Any) -> Any:
    """The connection's client-side binding cursor, made once: a new cursor would look up every
    parameter type's dumper again. Statements on one connection run one after the other."""
    cursor = getattr(driver, "_contractgen_cursor", None)
    if cursor is None or cursor.closed:
        cursor = driver._contractgen_cursor = psycopg.AsyncClientCursor(driver)
    return cursor


def _joined(prepared: Sequence[tuple[str, Any]]) -> str:
    return "; ".join(text for text, _ in prepared)


def _prepared(
    connection: AsyncConnection, statement: Statement, values: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    compiled = statement.compiled(connection.dialect, list(values))
    return compiled.sql, compiled.parameters(values)


class _translated:
    """Driver errors out as SQLAlchemy's; a connection that is lost or left mid-statement (a
    cancelled request) is invalidated, so that the pool replaces it."""

    def __init__(self, connection: AsyncConnection, sql: str, parameters: Any) -> None:
        self.connection = connection
        self.sql = sql
        self.parameters = parameters

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        if error is None:
            return
        dialect = self.connection.dialect
        dbapi_error = dialect.loaded_dbapi.Error
        if isinstance(error, dbapi_error):
            lost = dialect.is_disconnect(error, _driver(self.connection), None)
            if lost:
                await self.connection.invalidate(error)
            raise DBAPIError.instance(
                self.sql,
                self.parameters,
                error,
                dbapi_error,
                connection_invalidated=lost,
                dialect=dialect,
            ) from error
        # Cancelled (or failed) between sending and reading: the protocol state is unknown.
        await self.connection.invalidate(error if isinstance(error, Exception) else None)
