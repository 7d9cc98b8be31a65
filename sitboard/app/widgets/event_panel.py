"""The current event: what happened, where, according to whom, how sure (see `sitboard.panels.event`).

Its essentials must be seen without scrolling: it tells the side column how
many lines they take, written in full and written tight (sources without
their kinds), and is told which to show (`tight`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from sitboard.app.style import look_for
from sitboard.app.widgets.text_panel import StatePanel
from sitboard.panels import event as panel
from sitboard.panels.layout import Need
from sitboard.panels.styled import Styled
from sitboard.panels.words import Words
from sitboard.timeline import Situation


class EventPanel(StatePanel):
    TITLE = "Event"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._tight = False
        self._essentials: dict[bool, Text] = {}  # by tight: the essentials of what is described
        self._measured: dict[tuple[bool, int], int] = {}  # (tight, width) -> lines of the essentials

    def describe(self, situation: Situation, words: Words) -> Styled:
        look = look_for(words.scenario, ascii_only=words.ascii_only, theme=self.app.current_theme)
        self._measured = {}
        # Each part once: what may scroll is the same written tight or not (`panel.event` is `whole` of these).
        first = {tight: panel.essentials(situation, words, tight=tight) for tight in (False, True)}
        self._essentials = {tight: look.rich(part) for tight, part in first.items()}
        return panel.whole(first[self._tight], panel.details(situation, words))

    @property
    def tight(self) -> bool:
        return self._tight

    @tight.setter
    def tight(self, tight: bool) -> None:
        """Write the essentials tight (the side column found that only that fits) or in full."""
        if tight != self._tight:
            self._tight = tight
            self._described = None
            self.board_changed()

    def need(self, width: int) -> Need:
        lines = len(self.wrapped(width))
        full, tight = self._essential_lines(False, width), self._essential_lines(True, width)
        if self._tight:  # what it shows is written tight: in full, the essentials need what they save more
            lines += full - tight
        return Need(lines, full, tight if tight < full else None)

    def _essential_lines(self, tight: bool, width: int) -> int:
        key = (tight, width)
        if key not in self._measured:
            text = self._essentials.get(tight, Text())
            plain = text.plain
            if plain.endswith("\n") and plain.rstrip() == plain[:-1]:
                # the line break that ends them starts no line of their own: the empty paragraph after it is
                # one blank line of the text wrapped as it is, whose other paragraphs the whole event's wrap kept
                self._measured[key] = self.line_count(text, width) - 1 if plain.strip() else 0
            else:
                text = text.copy()
                text.rstrip()
                self._measured[key] = self.line_count(text, width) if text.plain else 0
        return self._measured[key]
