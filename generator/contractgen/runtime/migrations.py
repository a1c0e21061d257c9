"""Alembic, run from code: each service keeps its own `migrations/` folder and no alembic.ini."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool


def alembic_config(
    migrations: Path, database_url: str, output_buffer: TextIO | None = None
) -> Config:
    """The configuration for `migrations`; with `output_buffer`, offline (`sql=True`) scripts go there."""
    config = Config(output_buffer=output_buffer)
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(migrations: Path, database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision` in one transaction. Blocking: run it before serving."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            config = alembic_config(migrations, database_url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
