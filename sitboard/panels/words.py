"""How the board writes a scenario's text, names and signs, with or without Unicode.

Every panel writes user text through `Words.text`: cleaned of control and
bidi-override characters, right-to-left names in reading order, ASCII when
asked, and at most `MAX_SHOWN` characters of any one text (the rest counted:
panels wrap their whole text, and a file of 200,000-character names took half
a minute to open and seconds per key).
"""

from __future__ import annotations

from sitboard.geo.scene import KIND_GLYPH, KIND_GLYPH_ASCII
from sitboard.geo.text import display
from sitboard.scenario.model import Flow, Scenario
from sitboard.scenario.palette import Holder, holders
from sitboard.timeline import figure

MAX_SHOWN = 4_000  # characters of one text (a name, a title, an event's text) that the board shows
ASCII_ELLIPSIS = "..."


class Words:
    """The scenario's names and the board's signs, as this board writes them (`ascii_only` or not)."""

    def __init__(self, scenario: Scenario, *, ascii_only: bool = False) -> None:
        self.scenario = scenario
        self.ascii_only = ascii_only
        self.holders: dict[str, Holder] = holders(scenario)
        self.arrow = "->" if ascii_only else "→"
        self.ellipsis = ASCII_ELLIPSIS if ascii_only else "…"
        self.bullet = ">" if ascii_only else "▸"

    def text(self, value: str | None) -> str:
        """User text made safe and readable: no control codes, RTL in reading order, ASCII if asked."""
        if value is None:
            return ""
        if len(value) > MAX_SHOWN:
            more = len(value) - MAX_SHOWN
            value = f"{value[:MAX_SHOWN]}{self.ellipsis} ({more:,} more characters)"
        return display(value, ascii=self.ascii_only)

    def holder(self, holder: str) -> str:
        return self.text(self.holders[holder].name)

    def mark(self, holder: str) -> str:
        return self.holders[holder].mark

    def town(self, town_id: str) -> str:
        return self.text(self.scenario.town(town_id).name)

    def glyph(self, kind: str) -> str:
        """The glyph the map draws for a town of this kind (one table, so legend and map agree)."""
        return (KIND_GLYPH_ASCII if self.ascii_only else KIND_GLYPH).get(kind, "o")

    def flow_size(self, flow: Flow) -> str:
        """How big a flow is, in the source's words when it gave no figure."""
        if flow.people is not None:
            return figure(flow.people)
        return f'"{self.text(flow.estimate)}"' if flow.estimate else "size not given"


_last: dict[bool, Words] = {}  # by ascii_only: the Words made last


def words_for(scenario: Scenario, *, ascii_only: bool = False) -> Words:
    """The `Words` of this scenario, made once however many widgets of a board ask (compared by identity)."""
    words = _last.get(ascii_only)
    if words is None or words.scenario is not scenario:
        words = _last[ascii_only] = Words(scenario, ascii_only=ascii_only)
    return words
