"""The Textual user interface: a thin layer over the core (store, questionnaire, bundle, scoring)."""
