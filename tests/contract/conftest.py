"""Contract tests: schemathesis against each service's OpenAPI, linked to its outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.testing.contract import OutboxRow
from contractgen.testing.outbox import outbox_log, start_outbox_log, stop_outbox_log
from services.identity import IDENTITY

# Organizations the contract tests' caller belongs to; generated ids are mixed with these.
ORGANIZATIONS = (1, 2)


def bearer(organizations: Sequence[int] = ORGANIZATIONS) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {mint_token(IDENTITY, 'contract-tests', list(organizations), secret=LOCAL_SECRET)}"
    }


_logged: list[str] = []


def outbox_reader(database_url: str) -> Callable[[], list[OutboxRow]]:
    """What the service commits to its outbox from now on, read from the WAL (the outbox
    table itself stays empty: see contractgen.testing.outbox). The log's slot is dropped when
    the test module ends."""
    start_outbox_log(database_url)
    _logged.append(database_url)

    def read() -> list[OutboxRow]:
        return [
            OutboxRow(row.id, row.type, row.aggregateid, row.payload)
            for row in outbox_log(database_url)
        ]

    return read


@pytest.fixture(autouse=True, scope="module")
def _drop_outbox_logs() -> Iterator[None]:
    yield
    while _logged:
        stop_outbox_log(_logged.pop())
