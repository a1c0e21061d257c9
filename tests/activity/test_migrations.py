"""The Alembic migrations, on a real PostgreSQL: they build exactly the tables the code uses."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.activity.adapters.tables import metadata
from services.activity.bootstrap import SERVICE

pytestmark = pytest.mark.postgres


def differences(url: str) -> list[object]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_the_migrated_schema_is_the_metadata(database_url: str) -> None:
    assert differences(database_url) == []


def test_the_feed_is_read_from_its_indexes(database_url: str) -> None:
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    try:
        indexes = {ix["name"]: ix for ix in sa.inspect(engine).get_indexes("activity")}
    finally:
        engine.dispose()
    assert indexes["ix_activity_organization_id_occurred_on_id"]["column_names"] == [
        "organization_id",
        "occurred_on",
        "id",
    ]
    assert indexes["ix_activity_organization_id_occurred_on_id"]["column_sorting"] == {
        "occurred_on": ("desc",),
        "id": ("desc",),
    }
    assert "ix_activity_organization_id_type_occurred_on_id" in indexes


def test_migrating_again_changes_nothing(database_url: str) -> None:
    SERVICE.migrate(database_url)
    assert differences(database_url) == []


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


def test_offline_sql_for_review() -> None:
    buffer = io.StringIO()
    config = SERVICE.alembic_config("postgresql+psycopg://reviewer@nowhere/activity", buffer)
    command.upgrade(config, "head", sql=True)
    script = buffer.getvalue()
    assert "CREATE TABLE activity" in script
    assert "CREATE TABLE inbox" in script
    assert "UNIQUE (event_id)" in script
