"""The current event: what happened, where, who, according to whom, how sure (see `sitboard.panels.event`)."""

from __future__ import annotations

from sitboard.app.widgets.text_panel import StatePanel
from sitboard.panels.event import event
from sitboard.panels.styled import Styled
from sitboard.panels.words import Words
from sitboard.timeline import Situation


class EventPanel(StatePanel):
    TITLE = "Event"

    def describe(self, situation: Situation, words: Words) -> Styled:
        return event(situation, words)
