"""Title, the current date in large type, and where we are in the timeline."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Digits, Static

from sitboard.app.style import Look
from sitboard.timeline import BoardState


class BoardHeader(Horizontal):
    state: reactive[BoardState | None] = reactive(None)
    live: reactive[str] = reactive("")

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.look = look

    def compose(self) -> ComposeResult:
        s = self.look.scenario
        with Vertical(id="titles"):
            yield Static(Text(self.look.text(s.title), style="bold"), id="title")
            yield Static(self.look.text(s.subtitle), id="subtitle")
        # Digits draw with box characters and need three rows; ASCII mode and
        # short terminals show the same date as bold text instead (see app.tcss).
        if not self.look.ascii_only:
            yield Digits("", id="date")
        yield Static("", id="date-text")
        yield Static("", id="position")

    def watch_state(self, state: BoardState | None) -> None:
        if state is None or not self.is_attached or not self.children:
            return
        date = state.time.text.replace("T", " ")[:16] if state.time else "START"
        previous = getattr(self, "_date", "")
        if date != previous:  # many events share a day: repaint the date only when it changes
            # Same-length text keeps the same size: no layout pass needed.
            date_text = self.query_one("#date-text", Static)
            date_text.update(Text(date, style="bold"), layout=len(date) != len(previous))
            self._date = date
            if not self.look.ascii_only:
                self.query_one("#date", Digits).update(date[:10] if state.time else "-- --")
        self._update_position()

    def watch_live(self) -> None:
        self._update_position()

    def _update_position(self) -> None:
        state = self.state
        if state is None or not self.is_attached or not self.children:
            return
        line = Text()
        line.append(f"step {state.step} / {state.steps}", style="bold")
        if state.time and state.time.has_clock:
            line.append(f"\n{state.time.text[11:16]}")
        if self.live:
            line.append(f"\n{self.live}", style="bold reverse")
        self.query_one("#position", Static).update(line, layout=False)  # fixed size in app.tcss

    def on_mount(self) -> None:
        self.watch_state(self.state)
