"""Shared fixtures, including the browser ones, live in hoptac.testing.pytest_plugin."""
