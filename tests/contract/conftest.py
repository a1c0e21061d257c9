"""Contract tests: schemathesis against each service's OpenAPI, linked to its outbox."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.testing.contract import OutboxRow
from services.identity import IDENTITY

# Organizations the contract tests' caller belongs to; generated ids are mixed with these.
ORGANIZATIONS = (1, 2)


def bearer(organizations: Sequence[int] = ORGANIZATIONS) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {mint_token(IDENTITY, 'contract-tests', list(organizations), secret=LOCAL_SECRET)}"
    }


def outbox_reader(database_url: str) -> Callable[[], list[OutboxRow]]:
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    table = sa.table(
        "outbox", sa.column("id"), sa.column("type"), sa.column("aggregateid"), sa.column("payload")
    )

    def read() -> list[OutboxRow]:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(table)).all()
        return [OutboxRow(str(r.id), r.type, r.aggregateid, bytes(r.payload)) for r in rows]

    return read
