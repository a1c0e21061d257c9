"""The ways in: the HTTP handlers that implement the generated interface."""
