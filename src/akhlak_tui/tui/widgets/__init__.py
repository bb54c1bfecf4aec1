"""Widgets of the survey app, one per file."""
