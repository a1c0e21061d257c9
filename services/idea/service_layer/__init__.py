"""The use cases: one function per thing a caller can do, each in one unit of work."""
