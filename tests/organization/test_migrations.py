"""The Alembic migrations, on a real PostgreSQL: they build exactly the tables the code uses."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.organization.adapters.tables import metadata
from services.organization.bootstrap import SERVICE


def differences(url: str) -> list[object]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_migrated_schema_is_the_metadata(database_url: str) -> None:
    assert differences(database_url) == []


@pytest.mark.postgres
def test_migrating_again_changes_nothing(database_url: str) -> None:
    SERVICE.migrate(database_url)
    assert differences(database_url) == []


@pytest.mark.postgres
def test_downgrade_removes_everything_and_upgrade_restores_it(database_url: str) -> None:
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            config = SERVICE.alembic_config(database_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
    SERVICE.migrate(database_url)
    assert differences(database_url) == []
