"""What the board writes for other tools and people: a registry of formats, each one function of one signature.

An exporter takes the timeline, the board state (which step, which view) and
the options, and returns the bytes to write. Formats are named here by
where their function lives and imported only when used, so listing them (the
command line's `--format` choices) costs nothing, and the picture formats,
which run the board headless, load Textual only when asked for. A new format
is one module with an `export` function and one line in `FORMATS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from sitboard.state import BoardState
    from sitboard.timeline import Timeline

FORMATS: dict[str, str] = {
    "json": "sitboard.exports.json_state:export",  # the situation at the step, as data
    "md": "sitboard.exports.briefing:export",  # a briefing document
    "geojson": "sitboard.exports.geojson:export",  # for a GIS
    "kml": "sitboard.exports.kml:export",  # the whole timeline, for Google Earth's time slider
    "svg": "sitboard.exports.picture:export_svg",  # the board as it looks
    "txt": "sitboard.exports.picture:export_txt",  # the same, as text
    "html": "sitboard.exports.replay:export_html",  # every step, to replay offline in a browser
}


class ExportOptions(NamedTuple):
    size: tuple[int, int] = (160, 50)  # terminal cells, for the pictures
    theme: str | None = None  # for the pictures
    ascii_only: bool = False  # for the pictures
    # How a colour name becomes #rrggbb: the board's (Rich's) names; without it, the few the core knows.
    color_hex: Callable[[str], str | None] | None = None
    notes: bool = False  # the briefer's speaker notes: only the Markdown briefing may carry them, and only when asked


class Exporter(Protocol):
    def __call__(self, timeline: Timeline, state: BoardState, options: ExportOptions) -> bytes: ...


def formats() -> tuple[str, ...]:
    """Every format's name, in the order the command line offers them."""
    return tuple(FORMATS)


def exporter(name: str) -> Exporter:
    """The export function of format `name` (KeyError if there is none)."""
    module, _, function = FORMATS[name].partition(":")
    found: Exporter = getattr(importlib.import_module(module), function)
    return found
