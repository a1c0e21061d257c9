"""The database side: tables and the repository."""
