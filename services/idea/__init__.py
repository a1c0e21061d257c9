"""The idea service: members of an organization share ideas; every change is an event."""
