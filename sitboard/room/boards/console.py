"""The presenter console: the briefer's own board, which every follower in the room mirrors.

It is the board (every key, the same moves) in the briefer's layout: the
current event in full and its speaker notes on the left; a small map, the next
event's title and the room (followers connected, elapsed time, the join
address, what the room last said) on the right. Every new state is published
to the room before this screen repaints, so followers are not kept waiting on
the briefer's own frame.

The elapsed time is the briefing's: it starts at the first step taken, not
when the console opened, since a briefer opens the room before people join.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from sitboard.app.app import SitboardApp
from sitboard.app.widgets.bottom_bar import BottomBar
from sitboard.app.widgets.bound import BoardWidget, give
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.app.widgets.header import BoardHeader
from sitboard.app.widgets.map_view import MapView
from sitboard.app.widgets.text_panel import StatePanel
from sitboard.panels.briefer import notes, up_next
from sitboard.room.address import JoinAddress
from sitboard.room.boards import APP_CSS
from sitboard.room.boards.stamps import Stamps
from sitboard.room.presenter import Presenter
from sitboard.scenario.cleantext import clean
from sitboard.state import BoardState
from sitboard.timeline import Timeline

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def elapsed_text(seconds: float) -> str:
    """`MM:SS`, or `H:MM:SS` past an hour."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class PresenterConsole(SitboardApp):
    """The board for the briefer, publishing to `room` (started, listening at `address`)."""

    # The board's sheet, then the console's over it (Textual takes a list; the board names one sheet).
    CSS_PATH = [APP_CSS, "console.tcss"]  # type: ignore[assignment]

    followers: reactive[int] = reactive(0, init=False)

    def __init__(
        self,
        timeline: Timeline,
        state: BoardState | None = None,
        *,
        room: Presenter,
        address: JoinAddress,
        **options: Any,
    ) -> None:
        super().__init__(timeline, state, **options)
        self.room = room
        self.address = address
        self.stamps = Stamps("presenter")
        self.started: float | None = None  # when the briefing began: the first step taken
        self.last_word = ""  # the room's last log line (who joined, left, was refused)
        room.on_followers = self._count
        self.published = room.publish(self.state.to_json())  # where this console opens (a step's camera)

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._set_mode_classes()
        state, timeline, ascii_only = self.state, self.timeline, self.ascii_only

        def bound(widget: BoardWidget) -> BoardWidget:
            return give(widget, state, timeline, SitboardApp.state, SitboardApp.timeline)

        header = BoardHeader(ascii_only=ascii_only, id="header")
        header.set_reactive(BoardHeader.live, self.live)
        yield bound(header).data_bind(SitboardApp.live)
        if self._problem:
            yield Static(Text(self.look.text(self._problem)), id="error-bar")
        yield bound(BottomBar(ascii_only=ascii_only, id="bottom"))
        with Vertical(id="console-right"):
            yield bound(MapView(ascii_only=ascii_only, id="map"))
            yield bound(StatePanel(describe=up_next, title="Next", ascii_only=ascii_only, id="next"))
            yield Static(self._room_text(), id="room")
        with Vertical(id="console-left"):
            yield bound(EventPanel(ascii_only=ascii_only, id="event"))
            yield bound(
                StatePanel(describe=notes, title="Speaker notes (only you see them)", ascii_only=ascii_only, id="notes")
            )
        if self._too_small_text():
            yield Static(Text(self._too_small_text()), id="too-small")

    def _hidden_until_needed(self, widget_id: str, make: Callable[[], Widget], **where: str) -> Widget | None:
        if widget_id == "map-earlier":  # the split view (c): the earlier map above the current one, in the column
            where = {"before": "#map"}
        return super()._hidden_until_needed(widget_id, make, **where)

    def _fit_split(self) -> None:
        """The console stacks the two moments' maps in its right column (console.tcss): nothing to share out."""

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#room").border_title = "Room"
        self.set_interval(1.0, self._tick)

    # -- the room ----------------------------------------------------------------

    def watch_state(self, old: BoardState, new: BoardState) -> None:
        if old != new:
            self.published = self.room.publish(new.to_json())  # first: the room does not wait for this frame
            if self.stamps.on:
                self.stamps.write("publish", seq=self.published, state=new.to_json())
            if self.started is None and old.step != new.step:
                self.started = time.monotonic()
        super().watch_state(old, new)

    def _count(self, followers: int) -> None:
        self.followers = followers

    def watch_followers(self) -> None:
        self._show_room()

    def room_said(self, line: str) -> None:
        """A line of the room's log (a follower joined, left, was refused), shown as the room's last word."""
        self.last_word = clean(line)[:200]
        self._show_room()

    def _tick(self) -> None:
        if self.started is not None:
            self._show_room()

    def _show_room(self) -> None:
        try:
            panel = self.query_one("#room", Static)
        except NoMatches:  # not composed yet, or quitting
            return
        panel.update(self._room_text())

    def _room_text(self) -> Text:
        """Followers, elapsed time, how to join, and the room's last word: never markup, all of it plain."""
        count = self.followers
        elapsed = (
            elapsed_text(time.monotonic() - self.started) if self.started is not None else "starts at the first step"
        )
        reach = "this machine only" if self.address.host in LOOPBACK else "on the network; the link is not encrypted"
        text = Text()
        text.append("Followers  ", style="dim")
        text.append(f"{count} connected\n", style="bold")
        text.append("Elapsed    ", style="dim")
        text.append(elapsed + "\n")
        text.append("Join       ", style="dim")
        text.append(f"sitboard follow {self.address}\n", style="bold")
        text.append(f"           ({reach})", style="dim")
        if self.last_word:
            text.append("\nLast       ", style="dim")
            text.append(self.look.text(self.last_word))
        return text


class RoomLog(logging.Handler):
    """The room's log lines, to the console's room panel (the terminal belongs to the board while it runs)."""

    def __init__(self, console: PresenterConsole) -> None:
        super().__init__(logging.INFO)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.room_said(record.getMessage())
        except Exception:  # a log line must never take the briefing down
            self.handleError(record)
