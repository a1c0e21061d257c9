"""The Alembic environment every service shares: online on the connection `upgrade` lends (or on
the URL), or offline (`sql=True`) as a script for the URL's dialect (e.g. mssql) to review.

The service's table metadata comes in `config.attributes["target_metadata"]`; its revisions live
in its own folder (`version_locations`), so a service keeps only its migrations."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

config = context.config
metadata = config.attributes.get("target_metadata")


def run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif (lent := config.attributes.get("connection")) is not None:
    run(lent)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=NullPool)
    try:
        with engine.begin() as connection:
            run(connection)
    finally:
        engine.dispose()
