"""Runtime support imported by generated code: one copy, never pasted into services."""
