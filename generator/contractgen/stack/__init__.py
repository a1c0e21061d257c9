"""The embedded local stack: real servers as plain processes, no Docker."""
