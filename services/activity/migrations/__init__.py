"""Alembic migrations of the activity database, run by `bootstrap.migrate`."""
