"""Modal screens: help, jump to a step or date (`sitboard.panels.goto`), a town's history (`panels.town_history`)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import Input, Static

from sitboard.app.actions import ACTIONS, key_text
from sitboard.app.style import Look, ascii_scrollbars
from sitboard.panels.goto import NotAStep, parse_goto
from sitboard.panels.town_history import town_history
from sitboard.timeline import Timeline


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
    """Ask for a step number, 'end', a date or a town; return the step."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, look: Look, timeline: Timeline, current: int = 0, *, prompt: str | None = None) -> None:
        """`current`: a town's name goes to its next change of hands after this step. `prompt`: what the step
        is asked for, when it is not to go to it (the split view's earlier moment)."""
        super().__init__()
        self.look = look
        self.timeline = timeline
        self.current = current
        self.prompt = prompt or (
            f"Go to: a step 0..{timeline.steps}, 'end', a date (2024-12-05) or a town (its next change of hands)"
        )

    def compose(self) -> ComposeResult:
        yield Static(Text(self.prompt), id="goto-prompt")
        yield Input(placeholder="step, end, date or town", id="goto-input")
        yield Static(Text(""), id="goto-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            step = parse_goto(event.value, self.timeline, self.current)
        except NotAStep as exc:
            typed = self.look.text(event.value)  # shown, never obeyed: pasted text can hold anything
            typed = typed if len(typed) <= 40 else typed[:37] + "..."
            self.query_one("#goto-error", Static).update(Text(f"Not a step: {typed!r}; {exc}", style="bold"))
            return
        self.dismiss(step)


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
        with VerticalScroll(id="town-body"):
            yield Static(look.rich(town_history(self.timeline, self.town_id, self.step, look.words)))

    def on_mount(self) -> None:
        if self.look.ascii_only:
            ascii_scrollbars(self.query_one("#town-body"))
