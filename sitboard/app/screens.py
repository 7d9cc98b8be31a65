"""Modal screens: help, jump to a step or date, a town's history."""

from __future__ import annotations

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
            table.add_row(key_text(action, ascii_only=self.ascii_only), action.help)
        table.add_row(Text("Panels", style="bold underline"), "")
        table.add_row("Tab / Shift+Tab", "Move focus between the map, the town list and the panels")
        table.add_row("Enter / click", "Show the selected town's history")
        table.add_row("Ctrl+P", "Command palette: go to an event or a town, change theme or mode")
        with VerticalScroll(id="help-body"):
            yield Static(table)
            yield Static(Text("Press Escape or ? to close.", style="dim"))

    def on_mount(self) -> None:
        if self.ascii_only:
            ascii_scrollbars(self.query_one("#help-body"))


class GotoScreen(BoardModal[int | None]):
    """Ask for a step number, 'end' or a date; return the step."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, timeline: Timeline) -> None:
        super().__init__()
        self.timeline = timeline

    def compose(self) -> ComposeResult:
        yield Static(
            f"Go to: a step 0..{self.timeline.steps}, 'end', or a date (2024-12-05)", id="goto-prompt"
        )
        yield Input(placeholder="step, end or date", id="goto-input")
        yield Static("", id="goto-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        step = parse_goto(event.value, self.timeline)
        if step is None:
            self.query_one("#goto-error", Static).update(
                Text(f"Not a step 0..{self.timeline.steps}, 'end' or a date: {event.value!r}", style="bold")
            )
            return
        self.dismiss(step)


def parse_goto(value: str, timeline: Timeline) -> int | None:
    """A step from what a person types: `12`, `end`, `start`, `2024-12-05`, `2024-12-05T14:00`."""
    value = value.strip().lower()
    if value in ("end", "last"):
        return timeline.steps
    if value in ("start", "first"):
        return 0
    if value.isdigit():
        step = int(value)
        return step if step <= timeline.steps else None
    try:
        if len(value) <= 10:
            day = date.fromisoformat(value)
            when = datetime.combine(day, time.max, tzinfo=timezone.utc)
        else:
            when = datetime.fromisoformat(value.upper())
            when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return timeline.step_at_or_before(when)


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
