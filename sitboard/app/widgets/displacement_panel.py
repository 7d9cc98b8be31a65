"""People displaced so far, never adding a figure the sources did not give (see `sitboard.panels.displacement`)."""

from __future__ import annotations

from sitboard.app.widgets.text_panel import StatePanel
from sitboard.panels.displacement import displacement
from sitboard.panels.styled import Styled
from sitboard.panels.words import Words
from sitboard.timeline import Situation


class DisplacementPanel(StatePanel):
    TITLE = "Displacement"

    def describe(self, situation: Situation, words: Words) -> Styled:
        return displacement(situation, words)
