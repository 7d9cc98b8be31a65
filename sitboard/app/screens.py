"""Modal screens: help, jump to a step or date, a town's history."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timezone

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import Input, Static

from sitboard.app.actions import ACTIONS, key_text
from sitboard.app.style import Look, ascii_scrollbars
from sitboard.timeline import Timeline, figure


class BoardModal(ModalScreen[ScreenResultType]):
    """A dialog over the board. Its CSS loads with the first dialog opened, not at start-up."""

    SCOPED_CSS = False  # the rules below follow the app's -ascii class
    DEFAULT_CSS = """
    HelpScreen, GotoScreen, TownScreen { align: center middle; }
    #help-body, #town-body {
        width: 90;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    /* By id: as default CSS, a type selector here would lose to Input's own width. */
    #goto-prompt, #goto-input, #goto-error { width: 60; max-width: 95%; }
    #goto-prompt { padding: 1 1 0 1; background: $surface; }
    #goto-error { background: $surface; padding: 0 1; height: 2; }
    /* ASCII mode: no box-drawing or block characters (Input's border is tall). */
    .-ascii #help-body, .-ascii #town-body { border: ascii $primary; }
    .-ascii #goto-input { border: ascii $border-blurred; }
    .-ascii #goto-input:focus { border: ascii $border; }
    """


class HelpScreen(BoardModal[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, ascii_only: bool) -> None:
        super().__init__()
        self.ascii_only = ascii_only

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        group = None
        for action in ACTIONS:
            if action.group != group:
                group = action.group
                table.add_row(Text(group, style="bold underline"), "")
            # Text, not strings: Rich would read a cell as markup, and `[` and `]` are keys here.
            table.add_row(Text(key_text(action, ascii_only=self.ascii_only)), Text(action.help))
        table.add_row(Text("Panels", style="bold underline"), "")
        table.add_row(Text("Tab / Shift+Tab"), Text("Move focus between the map, the town list and the panels"))
        table.add_row(Text("Enter / click"), Text("Show the selected town's history"))
        table.add_row(Text("Ctrl+P"), Text("Command palette: go to an event or a town, change theme or mode"))
        with VerticalScroll(id="help-body"):
            yield Static(table)
            yield Static(Text("Press Escape or ? to close.", style="dim"))

    def on_mount(self) -> None:
        if self.ascii_only:
            ascii_scrollbars(self.query_one("#help-body"))


class GotoScreen(BoardModal[int | None]):
    """Ask for a step number, 'end' or a date; return the step."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, look: Look, timeline: Timeline) -> None:
        super().__init__()
        self.look = look
        self.timeline = timeline

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"Go to: a step 0..{self.timeline.steps}, 'end', or a date (2024-12-05)"), id="goto-prompt"
        )
        yield Input(placeholder="step, end or date", id="goto-input")
        yield Static(Text(""), id="goto-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            step = parse_goto(event.value, self.timeline)
        except NotAStep as exc:
            typed = self.look.text(event.value)  # shown, never obeyed: pasted text can hold anything
            typed = typed if len(typed) <= 40 else typed[:37] + "..."
            self.query_one("#goto-error", Static).update(
                Text(f"Not a step: {typed!r}; {exc}", style="bold")
            )
            return
        self.dismiss(step)


class NotAStep(ValueError):
    """What was typed in the Go-to dialog is not a step; the message says why, as a phrase."""


def parse_goto(value: str, timeline: Timeline) -> int:
    """A step from what a person types: `12`, `end`, `start`, `2024-12-05`, `2024-12-05T14:00`.

    Digits of any script count (`٣` and `３` are 3), as Python's `int` reads
    them; a superscript `²` is not a digit. Anything else raises `NotAStep`
    with a reason, never another exception: a person can type or paste anything.
    """
    value = _ascii_digits(value.strip().lower())
    if value in ("end", "last"):
        return timeline.steps
    if value in ("start", "first"):
        return 0
    last = timeline.steps
    if value.isdecimal():
        digits = value.lstrip("0") or "0"
        if len(digits) > len(str(last)) or int(digits) > last:  # length first: int() refuses 4,300 digits and more
            raise NotAStep(f"the last step is {last}")
        return int(digits)
    if value[:1] in "+-" and value[1:].isdecimal():
        raise NotAStep(f"steps go from 0 to {last}")
    try:
        if len(value) <= 10:
            day = date.fromisoformat(value)
            when = datetime.combine(day, time.max, tzinfo=timezone.utc)
        else:
            when = datetime.fromisoformat(value.upper())
            when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    except ValueError:
        raise NotAStep("expected a number, 'end', or a date such as 2024-12-05") from None
    try:
        return timeline.step_at_or_before(when)
    except OverflowError:  # 9999-12-31T23:00-23:59 is past the last instant a datetime can hold
        raise NotAStep("that time is outside the years 1 to 9999") from None


def _ascii_digits(value: str) -> str:
    """`value` with the decimal digits of every script written as 0-9 (dates typed in Arabic-Indic digits)."""
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in value)


class TownScreen(BoardModal[None]):
    """A town's holders over time and the flows that touched it."""

    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close")]

    def __init__(self, look: Look, timeline: Timeline, town_id: str, step: int) -> None:
        super().__init__()
        self.look = look
        self.timeline = timeline
        self.town_id = town_id
        self.step = step

    def compose(self) -> ComposeResult:
        look = self.look
        town = look.scenario.town(self.town_id)
        out = Text()
        out.append(look.text(town.name) + "\n", style="bold")
        out.append(f"{town.kind}, {town.lat:.4f}, {town.lon:.4f}")
        if town.population is not None:
            out.append(f", population {figure(town.population)}")
        out.append("\n\nHolders over time:\n", style="bold underline")
        events = look.scenario.events
        for step, holder in self.timeline.history(self.town_id):
            h = look.holders[holder]
            when = "start" if step == 0 else f"step {step}, {events[step - 1].time.text}"
            out.append(f" {h.mark} ", style=f"bold reverse {h.color}")
            out.append(f" {look.text(h.name)}  ({when})")
            out.append("  <- now\n" if step <= self.step and _is_current(self.timeline, self.town_id, step, self.step) else "\n")
        flows = self.timeline.flows_of(self.town_id)
        out.append("\nFlows in and out:\n", style="bold underline")
        if not flows:
            out.append(" none\n", style="dim")
        for f in flows:
            if f.flow.people is not None:
                size = figure(f.flow.people)
            else:
                size = look.text(f.flow.estimate) or "size unknown"
            future = " (later)" if f.step > self.step else ""
            out.append(
                f" step {f.step}: {look.town_name(f.flow.origin)} {look.arrow()} {look.town_name(f.flow.destination)}: {size}{future}\n"
            )
        out.append("\nPress Escape to close.", style="dim")
        with VerticalScroll(id="town-body"):
            yield Static(out)

    def on_mount(self) -> None:
        if self.look.ascii_only:
            ascii_scrollbars(self.query_one("#town-body"))


def _is_current(timeline: Timeline, town_id: str, step: int, now: int) -> bool:
    history = [s for s, _ in timeline.history(town_id) if s <= now]
    return bool(history) and history[-1] == step
