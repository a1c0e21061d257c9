"""Alembic migrations of the organization database (run by `bootstrap.migrate`)."""
