"""How holders, confidence and town kinds look, with and without colour.

Every visual distinction has a non-colour twin: factions have mark letters,
confidence badges are words, town kinds have glyph shapes. `NO_COLOR` and
`--ascii` therefore lose nothing a briefer needs.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual.scrollbar import ScrollBarRender
from textual.widget import Widget

from sitboard.scenario.model import CONTESTED, UNKNOWN, Scenario
from sitboard.geo.scene import KIND_GLYPH, KIND_GLYPH_ASCII
from sitboard.scenario.palette import CONTESTED_COLOR, CONTESTED_MARK, OKABE_ITO, UNKNOWN_COLOR, UNKNOWN_MARK


ASCII_ELLIPSIS = "..."
MAX_SHOWN = 4_000  # characters of one text (a name, a title, an event's text) that the board shows

CONFIDENCE_STYLE = {
    "confirmed": "bold reverse",
    "reported": "bold",
    "claimed": "italic",
    "disputed": "bold underline",
}


class HolderLook(NamedTuple):
    id: str
    name: str
    mark: str
    color: str


def holder_looks(scenario: Scenario) -> dict[str, HolderLook]:
    looks = {
        f.id: HolderLook(f.id, f.name, f.mark, drawable(f.color, OKABE_ITO[i % len(OKABE_ITO)]))
        for i, f in enumerate(scenario.factions)
    }
    looks[CONTESTED] = HolderLook(CONTESTED, "contested", CONTESTED_MARK, CONTESTED_COLOR)
    looks[UNKNOWN] = HolderLook(UNKNOWN, "unknown", UNKNOWN_MARK, UNKNOWN_COLOR)
    return looks


def drawable(color: str, fallback: str) -> str:
    """`color` if Rich can draw it, else `fallback`.

    A scenario read without Rich's colour check (`parse_scenario` without
    `color_ok`, as an embedder may) can name a colour Rich does not know, and
    every style built from it would stop the board.
    """
    from rich.color import Color, ColorParseError

    try:
        Color.parse(color)
    except ColorParseError:
        return fallback
    return color


def kind_glyph(kind: str, ascii_only: bool) -> str:
    """The glyph the map draws for a town of this kind (one table, so legend and map agree)."""
    return (KIND_GLYPH_ASCII if ascii_only else KIND_GLYPH).get(kind, "o")


class Look:
    """What every widget needs to draw names and holders consistently."""

    def __init__(self, scenario: Scenario, *, ascii_only: bool = False) -> None:
        from sitboard.geo.text import display

        self.scenario = scenario
        self.ascii_only = ascii_only
        self._display = display
        self.holders = holder_looks(scenario)

    def text(self, value: str | None) -> str:
        """User text made safe and readable: no control codes, RTL in reading order, ASCII if asked.

        At most `MAX_SHOWN` characters of any one text are shown, and the rest
        counted: panels wrap their whole text, and a file of 200,000-character
        names took half a minute to open and seconds per key.
        """
        if value is None:
            return ""
        if len(value) > MAX_SHOWN:
            more = len(value) - MAX_SHOWN
            value = f"{value[:MAX_SHOWN]}{ASCII_ELLIPSIS if self.ascii_only else '…'} ({more:,} more characters)"
        return self._display(value, ascii=self.ascii_only)

    def holder_name(self, holder: str) -> str:
        return self.text(self.holders[holder].name)

    def town_name(self, town_id: str) -> str:
        return self.text(self.scenario.town(town_id).name)

    def arrow(self) -> str:
        return "->" if self.ascii_only else "→"

    def shorten(self, text: Text, width: int) -> Text:
        return shorten(text, width, ascii_only=self.ascii_only)

    def glyph(self, kind: str) -> str:
        return kind_glyph(kind, self.ascii_only)


def shorten(text: Text, width: int, *, ascii_only: bool) -> Text:
    """Each line of `text` in at most `width` cells, a cut marked with an ellipsis.

    Rich marks a cut with "…", which `--ascii` must never show: there the cut
    is marked "..." (or is a plain crop when even that does not fit). Elsewhere
    Rich's own mark is kept, so nothing changes on a Unicode board.
    """
    if "\n" in text.plain:
        lines = text.split("\n", allow_blank=True)
        return text.blank_copy("\n").join(shorten(line, width, ascii_only=ascii_only) for line in lines)
    if text.cell_len <= width:
        return text
    cut = text.copy()
    if not ascii_only:
        cut.truncate(width, overflow="ellipsis")
    elif width <= len(ASCII_ELLIPSIS):
        cut.truncate(width, overflow="crop")
    else:
        cut.truncate(width - len(ASCII_ELLIPSIS), overflow="crop")
        cut.append(ASCII_ELLIPSIS)
    return cut


class AsciiScrollBarRender(ScrollBarRender):
    """A scrollbar thumb of whole cells (reversed spaces), for ASCII mode.

    Textual draws the ends of a thumb with block elements (U+2581..U+2587 and
    U+2589..U+258F) for eighth-of-a-cell precision.
    """

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


def ascii_scrollbars(*widgets: Widget) -> None:
    """Textual's documented per-instance override: `widget.vertical_scrollbar.renderer`."""
    for widget in widgets:
        widget.vertical_scrollbar.renderer = AsciiScrollBarRender
