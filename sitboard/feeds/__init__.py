"""Scenarios made from other tools' data (ACLED today): they write scenario text, the loader reads it."""
