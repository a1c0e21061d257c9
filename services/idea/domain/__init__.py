"""Ideas and their rules, in plain Python: no database, no HTTP, no generated code."""
