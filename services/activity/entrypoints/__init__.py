"""The service's two doors: the HTTP API (the feed) and the consumer (the events)."""
