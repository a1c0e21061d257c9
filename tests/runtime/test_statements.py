"""`Statement` on a real PostgreSQL: on the driver (psycopg) and through SQLAlchemy's own path,
which every other dialect takes, with the same results, the same errors and the same rollback;
`begin` and `finish`, the unit of work's transaction, on both paths."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from contractgen.runtime import statements
from contractgen.runtime.database import create_engine
from contractgen.runtime.statements import Row, Statement, begin, finish, run_pipelined

pytestmark = pytest.mark.postgres

metadata = sa.MetaData()
note = sa.Table(
    "note",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("topic", sa.String(20), nullable=False),
    sa.Column("body", sa.String(50), nullable=False, unique=True),
    sa.Column("written", sa.DateTime(timezone=True), nullable=False),
    sa.Column("blob", sa.LargeBinary, nullable=True),
    sa.Column("uid", sa.Uuid, nullable=True),
)
ADD = Statement(sa.insert(note).returning(note.c.id, note.c.body, note.c.written, note.c.uid))
# A literal in the statement ("ideas") besides the caller's parameter.
REMOVE = Statement(
    sa.delete(note).where(note.c.topic == "ideas", note.c.body == sa.bindparam("gone"))
)
WHEN = datetime(2026, 3, 1, 9, 30, 0, 123000, tzinfo=UTC)


@pytest.fixture(params=["driver", "sqlalchemy"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs on psycopg directly, and as any other dialect would run it."""
    if request.param == "sqlalchemy":
        monkeypatch.setattr(statements, "_native", lambda connection: False)
    return str(request.param)


@pytest.fixture
def url(new_database: Callable[[str], str]) -> Iterator[str]:
    url = new_database("statements")
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    metadata.create_all(engine)
    engine.dispose()
    yield url


def run(url: str, work: Callable[[AsyncEngine], Any]) -> Any:
    async def main() -> Any:
        engine = create_async_engine(url, pool_size=1, max_overflow=0)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def row(body: str, topic: str = "ideas", **more: Any) -> dict[str, Any]:
    return {"topic": topic, "body": body, "written": WHEN, **more}


def stored(url: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        found = connection.execute(sa.select(note.c.topic, note.c.body).order_by(note.c.id))
        result = [tuple(r) for r in found]
    engine.dispose()
    return result


def test_rows_returns_what_returning_names_with_sqlalchemys_types(path: str, url: str) -> None:
    async def work(engine: AsyncEngine) -> list[dict[str, Any]]:
        async with engine.begin() as connection:
            first = await ADD.rows(connection, row("one"))
            second = await ADD.rows(connection, row("two", blob=b"\x00\x01"))
        return first + second

    first, second = run(url, work)

    assert first == {"id": 1, "body": "one", "written": WHEN, "uid": None}
    assert second["id"] == 2 and second["written"].tzinfo is not None
    assert stored(url) == [("ideas", "one"), ("ideas", "two")]


def test_run_pipelined_runs_in_order_and_counts_rows(path: str, url: str) -> None:
    add = Statement(sa.insert(note))

    async def work(engine: AsyncEngine) -> list[int]:
        async with engine.begin() as connection:
            return await run_pipelined(
                connection,
                [
                    (add, row("kept")),
                    (add, row("dropped")),
                    (add, row("other topic", topic="news")),
                    (REMOVE, {"gone": "dropped"}),
                    (REMOVE, {"gone": "other topic"}),  # not "ideas": the literal holds
                ],
            )

    assert run(url, work) == [1, 1, 1, 1, 0]
    assert stored(url) == [("ideas", "kept"), ("news", "other topic")]


def test_errors_are_sqlalchemys_and_roll_everything_back(path: str, url: str) -> None:
    async def work(engine: AsyncEngine) -> tuple[type[BaseException], bool, list[int]]:
        with pytest.raises(IntegrityError) as raised:
            async with engine.begin() as connection:
                await ADD.rows(connection, row("first"))
                await run_pipelined(connection, [(REMOVE, {"gone": "x"}), (ADD, row("first"))])
        # The one pooled connection is healthy again and still usable after the rollback.
        async with engine.begin() as connection:
            counts = await run_pipelined(connection, [(REMOVE, {"gone": "nothing"})])
        return raised.type, raised.value.connection_invalidated, counts

    kind, invalidated, counts = run(url, work)

    assert kind is IntegrityError
    assert not invalidated
    assert counts == [0]
    assert stored(url) == []


def test_a_lost_connection_is_invalidated(path: str, url: str) -> None:
    kill = Statement(sa.select(sa.func.pg_terminate_backend(sa.func.pg_backend_pid())))

    async def work(engine: AsyncEngine) -> tuple[bool, list[dict[str, Any]]]:
        connection = await begin(engine)
        with pytest.raises(DBAPIError) as raised:
            await kill.rows(connection, {})
        await finish(connection, commit=False)  # ends cleanly on the lost connection
        async with engine.begin() as connection:  # the pool opens a new one
            added = await ADD.rows(connection, row("after"))
        return raised.value.connection_invalidated, added

    invalidated, added = run(url, work)

    assert invalidated
    assert [a["body"] for a in added] == ["after"]


@pytest.mark.parametrize("commit", [True, False])
def test_finish_commits_or_rolls_back_what_only_statements_wrote(
    path: str, url: str, commit: bool
) -> None:
    """The transaction SQLAlchemy never saw (no SQLAlchemy statement ran in it) still commits."""

    async def work(engine: AsyncEngine) -> None:
        connection = await begin(engine)
        await ADD.rows(connection, row("only a statement"))
        await finish(connection, commit=commit)

    run(url, work)

    assert stored(url) == ([("ideas", "only a statement")] if commit else [])


def test_finish_commits_statements_and_sqlalchemys_alike(path: str, url: str) -> None:
    async def work(engine: AsyncEngine) -> None:
        connection = await begin(engine)
        await ADD.rows(connection, row("statement"))
        await connection.execute(sa.insert(note).values(row("sqlalchemy")))
        await finish(connection, commit=True)
        connection = await begin(engine)  # the pooled connection again, nothing left open
        await connection.execute(sa.insert(note).values(row("rolled back")))
        await ADD.rows(connection, row("rolled back too"))
        await finish(connection, commit=False)

    run(url, work)

    assert stored(url) == [("ideas", "statement"), ("ideas", "sqlalchemy")]


def test_finish_runs_last_with_the_commit_or_not_at_all(path: str, url: str) -> None:
    async def work(engine: AsyncEngine) -> tuple[type[BaseException], list[dict[str, Any]]]:
        connection = await begin(engine)
        await ADD.rows(connection, row("first"))
        await finish(connection, commit=True, last=[(ADD, row("last")), (REMOVE, {"gone": "x"})])
        connection = await begin(engine)
        await ADD.rows(connection, row("never"))
        await finish(connection, commit=False, last=[(ADD, row("not run"))])
        connection = await begin(engine)
        await ADD.rows(connection, row("refused with its last"))
        with pytest.raises(IntegrityError) as raised:
            await finish(connection, commit=True, last=[(ADD, row("first"))])  # not unique
        connection = await begin(engine)  # the pooled connection is usable again
        after = await ADD.rows(connection, row("after"))
        await finish(connection, commit=True)
        return raised.type, after

    kind, after = run(url, work)

    assert kind is IntegrityError
    assert [a["body"] for a in after] == ["after"]
    assert stored(url) == [("ideas", "first"), ("ideas", "last"), ("ideas", "after")]


# Values a literal must quote: quotes, percent signs (also as placeholders), a statement
# separator, backslashes, non-ASCII text; bytes with NUL and backslash.
AWKWARD = [
    "it's 100% %(body)s %s",
    "x'); DROP TABLE note; --",
    'back\\slash \\x00 "quoted"',
    "Grüße, 你好 🙂",
]


def test_statements_carry_any_value_unchanged(path: str, url: str) -> None:
    """Parameters bound client-side come back exactly as given, and never as SQL."""
    blob = bytes(range(256)) + b"\\'\x00"
    uid = uuid.UUID("0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")
    percent = Statement(sa.select(sa.literal_column("'50%'").label("literal")))

    async def work(engine: AsyncEngine) -> tuple[list[dict[str, Any]], list[Any], list[Row]]:
        connection = await begin(engine)
        added = [(await ADD.rows(connection, row(body, blob=blob, uid=uid)))[0] for body in AWKWARD]
        literal = await percent.rows(connection, {})
        await finish(connection, commit=True, last=[(ADD, row("last: ' % ;"))])
        async with engine.connect() as connection:
            found = await connection.execute(sa.select(note.c.body, note.c.blob, note.c.uid))
            return added, [tuple(r) for r in found], literal

    added, found, literal = run(url, work)

    assert [a["body"] for a in added] == AWKWARD and all(a["uid"] == uid for a in added)
    assert found[:-1] == [(body, blob, uid) for body in AWKWARD]
    assert found[-1] == ("last: ' % ;", None, None)
    assert literal == [{"literal": "50%"}]


def test_a_unit_of_work_a_statement_opened_is_one_transaction(path: str, url: str) -> None:
    """The unit of work's first statement begins its transaction (in its own round trip, on
    psycopg); SQLAlchemy's statements after it are part of it, and rolling back undoes all."""

    async def work(engine: AsyncEngine) -> tuple[list[Any], bool]:
        connection = await begin(engine)
        await ADD.rows(connection, row("first"))
        await connection.execute(sa.insert(note).values(row("second")))
        seen = (await connection.execute(sa.select(sa.func.count()).select_from(note))).scalar()
        await finish(connection, commit=False)
        # The one pooled connection, as SQLAlchemy lent it before: not left in autocommit.
        async with engine.connect() as connection:
            await connection.execute(sa.insert(note).values(row("never committed")))
            await connection.rollback()
            raw = await connection.get_raw_connection()
            autocommit = raw.driver_connection.autocommit  # type: ignore[union-attr]
        return [seen], autocommit

    seen, autocommit = run(url, work)

    assert seen == [2]
    assert autocommit is False
    assert stored(url) == []


def test_a_failed_first_statement_leaves_the_connection_as_lent(path: str, url: str) -> None:
    async def work(engine: AsyncEngine) -> tuple[type[BaseException], list[dict[str, Any]]]:
        connection = await begin(engine)
        await ADD.rows(connection, row("taken"))
        await finish(connection, commit=True)
        connection = await begin(engine)
        with pytest.raises(IntegrityError) as raised:
            await ADD.rows(connection, row("taken"))  # refused in the round trip with BEGIN
        await finish(connection, commit=False)
        async with engine.begin() as connection:  # SQLAlchemy's own transaction still works
            added = await ADD.rows(connection, row("after"))
        return raised.type, added

    kind, added = run(url, work)

    assert kind is IntegrityError
    assert [a["body"] for a in added] == ["after"]
    assert stored(url) == [("ideas", "taken"), ("ideas", "after")]


def test_the_default_pool_keeps_every_connection_it_opens(url: str) -> None:
    """Three waves of 16 units of work at once, on `create_engine`'s pool: 16 connections opened
    in the first wave and kept (an overflow connection would be closed and opened again)."""

    async def main() -> int:
        engine = create_engine(url)
        opened: list[object] = []
        sa.event.listen(engine.sync_engine, "connect", lambda *args: opened.append(args))

        async def one(body: str) -> None:
            connection = await begin(engine)
            await ADD.rows(connection, row(body))
            await asyncio.sleep(0.05)  # every unit of work of the wave holds its connection
            await finish(connection, commit=True)

        try:
            for wave in range(3):
                await asyncio.gather(*(one(f"{wave}-{n}") for n in range(16)))
        finally:
            await engine.dispose()
        return len(opened)

    assert asyncio.run(main()) == 16
    assert len(stored(url)) == 48
