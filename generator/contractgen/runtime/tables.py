"""Table metadata with one naming convention, so that constraint names are the same in the
models, in the migrations and on every database (SQL Server limits and PostgreSQL alike)."""

from __future__ import annotations

from sqlalchemy import MetaData

NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


def new_metadata() -> MetaData:
    """A service's metadata: its tables, the outbox and the inbox are declared on it."""
    return MetaData(naming_convention=NAMING_CONVENTION)
