"""Activities and the feed's rules, in plain Python: no database, no HTTP, no generated code."""
