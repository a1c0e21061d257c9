"""The use cases: record an event as an activity, read a feed; each in one unit of work."""
