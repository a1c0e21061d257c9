"""Fixtures shared by every test: a real PostgreSQL cluster for the session, fresh databases."""

from __future__ import annotations

import itertools
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from contractgen.stack.postgres import PostgresCluster


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster (logical WAL) on a free loopback port."""
    base = Path(tempfile.mkdtemp(prefix="microservicesapp-pg-"))
    cluster = PostgresCluster(base / "data", port=free_port())
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def new_database(postgres: PostgresCluster) -> Callable[[str], str]:
    """`new_database("idea")` creates an empty database and returns its SQLAlchemy URL (psycopg)."""

    def create(prefix: str) -> str:
        name = f"{prefix}_{next(_numbers)}"
        postgres.drop_database(name)
        postgres.create_database(name)
        return postgres.url(name)

    return create
