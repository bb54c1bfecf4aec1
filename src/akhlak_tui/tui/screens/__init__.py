"""Screens of the survey app, one per file; all but the home screen load when first shown."""
