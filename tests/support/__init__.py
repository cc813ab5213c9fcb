"""Helpers shared by tests of several folders (import as ``support.<module>``: ``tests/`` is on the path)."""
