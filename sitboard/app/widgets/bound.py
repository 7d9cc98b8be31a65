"""What the board's widgets are given: the board's `state` and `timeline`, bound to the app's reactives.

The board sets both on each widget before it is mounted (so the first frame
is drawn once, with them in place) and binds them with `data_bind`: from then
on a new state or a reloaded scenario reaches every widget without the app
knowing which widgets there are.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual.reactive import Reactive, reactive
from textual.widget import Widget

from sitboard.state import BoardState
from sitboard.timeline import Timeline


def no_timeline_yet() -> Timeline:
    """The default of a widget's `timeline`: there is none until the board gives it (see `give`)."""
    raise RuntimeError("a board widget is given its timeline by the board before it is mounted (bound.give)")


class BoardWidget(Widget):
    """A widget that draws from the board's state and timeline (both given, then bound: see `give`)."""

    # repaint=False: each widget repaints what a change changes, no more (a
    # step redraws a few rows of the map, not the whole screen).
    state: reactive[BoardState] = reactive(BoardState(), repaint=False)
    timeline: reactive[Timeline] = reactive(no_timeline_yet, repaint=False)

    def watch_state(self, old: BoardState, new: BoardState) -> None:
        self._board_changed()

    def watch_timeline(self, old: Timeline, new: Timeline) -> None:
        self._board_changed()

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _: self.restyle(), init=False)
        self._board_changed()

    def restyle(self) -> None:
        """Draw again in the new theme: holders' colours are chosen per theme (`style.look_for`)."""
        self._board_changed()
        self.refresh()

    def _board_changed(self) -> None:
        if self.is_mounted:  # the first frame is drawn once mounted, with what the board gave before
            self.board_changed()

    def board_changed(self) -> None:
        """Draw what the state and timeline now say (once mounted, and on every change of either)."""


W = TypeVar("W", bound=BoardWidget)


def give(widget: W, state: BoardState, timeline: Timeline, *reactives: Reactive[Any]) -> W:
    """`widget` with the board's state and timeline in place, bound to the app's `reactives`."""
    widget.set_reactive(BoardWidget.state, state)
    widget.set_reactive(BoardWidget.timeline, timeline)
    return widget.data_bind(*reactives)
