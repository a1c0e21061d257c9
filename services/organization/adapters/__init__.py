"""The database side: tables, statements and the repository that runs them."""
