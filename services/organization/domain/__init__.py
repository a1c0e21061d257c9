"""The organization domain: entities and rules in plain Python, with no I/O."""
