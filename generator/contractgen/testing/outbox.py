"""What a service wrote to its outbox, read from PostgreSQL's WAL, as Debezium reads it.

The unit of work deletes each outbox row in the transaction that inserted it, so the table is
always empty; the committed INSERTs live on in the WAL. A test opens a logical replication slot
with the `test_decoding` plugin on its database before the writes it wants to see
(`start_outbox_log`), reads the decoded INSERTs of committed transactions with
`pg_logical_slot_peek_changes` (`outbox_log`: non-destructive, so every call sees everything
since the slot was made), and drops the slot at the end (`stop_outbox_log`). A rolled-back
transaction is never decoded, exactly as Debezium never publishes it.

Needs `wal_level=logical` and a free replication slot (`max_replication_slots`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import make_url

PLUGIN = "test_decoding"
# One decoded column: name[type]:value, the value quoted ('' inside), null, or bare (numbers).
_COLUMN = re.compile(r"(?P<name>[^\s\[]+)\[(?P<type>[^\]]+)\]:(?P<value>'(?:[^']|'')*'|null|\S+)")


@dataclass(frozen=True)
class WrittenRow:
    """One outbox INSERT that was committed, with the columns the Outbox Event Router reads."""

    id: str
    aggregatetype: str
    aggregateid: str
    type: str
    payload: bytes
    schema_id: str
    traceparent: str | None
    occurred_at: datetime


def slot_name(database: str) -> str:
    """The slot of a database's outbox log (slot names: lower case, digits, _; 63 at most)."""
    return ("outbox_log_" + re.sub(r"[^a-z0-9_]", "_", database.lower()))[:63]


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.NullPool, isolation_level="AUTOCOMMIT")


def _slot(url: str) -> str:
    database = make_url(url).database
    if not database:
        raise ValueError(f"{url!r} names no database")
    return slot_name(database)


def start_outbox_log(url: str) -> None:
    """Open the log of the database at `url`: what commits from now on is kept for reading."""
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(
                sa.text("SELECT pg_create_logical_replication_slot(:slot, :plugin)"),
                {"slot": _slot(url), "plugin": PLUGIN},
            )
    finally:
        engine.dispose()


def stop_outbox_log(url: str) -> None:
    """Drop the log's slot (it would keep WAL and a replication slot forever)."""
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    " WHERE slot_name = :slot"
                ),
                {"slot": _slot(url)},
            )
    finally:
        engine.dispose()


def outbox_log(url: str, table: str = "outbox", schema: str = "public") -> list[WrittenRow]:
    """Every row INSERTed into the outbox and committed since `start_outbox_log`, in commit
    order (deleted again or not)."""
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SET TimeZone = 'UTC'"))  # how timestamps are printed
            changes = connection.execute(
                sa.text(
                    "SELECT data FROM pg_logical_slot_peek_changes(:slot, NULL, NULL,"
                    " 'skip-empty-xacts', '1', 'include-xids', '0')"
                ),
                {"slot": _slot(url)},
            ).scalars()
            prefix = f"table {schema}.{table}: INSERT: "
            return [_row(line[len(prefix) :]) for line in changes if line.startswith(prefix)]
    finally:
        engine.dispose()


def _row(columns: str) -> WrittenRow:
    values = {
        match["name"]: _value(match["type"], match["value"]) for match in _COLUMN.finditer(columns)
    }
    return WrittenRow(
        id=str(values["id"]),
        aggregatetype=str(values["aggregatetype"]),
        aggregateid=str(values["aggregateid"]),
        type=str(values["type"]),
        payload=values["payload"] if isinstance(values["payload"], bytes) else b"",
        schema_id=str(values["schema_id"]),
        traceparent=None if values.get("traceparent") is None else str(values["traceparent"]),
        occurred_at=datetime.fromisoformat(str(values["occurred_at"])),
    )


def _value(kind: str, text: str) -> str | bytes | None:
    if text == "null":
        return None
    if text.startswith("'"):
        text = text[1:-1].replace("''", "'")
    if kind == "bytea":
        if not text.startswith("\\x"):
            raise ValueError(f"bytea not in hex output: {text[:20]!r}")
        return bytes.fromhex(text[2:])
    return text
