"""Use cases: each runs in one unit of work, so a change and its events commit together."""
