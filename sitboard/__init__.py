"""sitboard: a terminal situation board for briefing rooms."""

__version__ = "0.1.0"
