"""Alembic, run from code: one shared environment (`alembic/env.py` beside this module), each
service's revisions in its own folder, and no alembic.ini."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, create_engine
from sqlalchemy.pool import NullPool

ENVIRONMENT = Path(__file__).with_name("alembic")


def alembic_config(
    versions: Path,
    database_url: str,
    metadata: MetaData | None = None,
    output_buffer: TextIO | None = None,
) -> Config:
    """The configuration for the revisions in `versions` on `metadata`'s tables; with
    `output_buffer`, offline (`sql=True`) scripts go there."""
    config = Config(output_buffer=output_buffer)
    config.set_main_option("script_location", str(ENVIRONMENT))
    # One folder per service: split version_locations on the OS path separator, never on spaces.
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(versions))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["target_metadata"] = metadata
    return config


def upgrade(
    versions: Path, database_url: str, metadata: MetaData | None = None, revision: str = "head"
) -> None:
    """Bring the database to `revision` in one transaction. Blocking: run it before serving."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            config = alembic_config(versions, database_url, metadata)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def new_revision(
    versions: Path, database_url: str, metadata: MetaData, message: str, autogenerate: bool
) -> None:
    """Write a new revision file into `versions` (compared with the database when autogenerating)."""
    config = alembic_config(versions, database_url, metadata)
    command.revision(config, message=message, autogenerate=autogenerate)
