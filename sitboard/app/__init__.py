"""The Textual board. Only this package imports Textual."""

from sitboard.app.app import SitboardApp

__all__ = ["SitboardApp"]
