"""Checking what is on the wire against the contracts (`contractgen verify-events`)."""
