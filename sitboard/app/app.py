"""The board: a Textual app built from an already-loaded scenario.

The current step is one reactive on the app; every widget is handed the state
for that step and posts messages back up. Nothing here reads files.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.theme import ThemeProvider
from textual.timer import Timer
from textual.widgets import Footer, Static

from sitboard.app import actions
from sitboard.app.commands import AsciiCommandPalette, BoardCommands
from sitboard.app.messages import StepRequested, TownSelected
from sitboard.app.screens import GotoScreen, HelpScreen, TownScreen
from sitboard.app.style import Look, ascii_scrollbars
from sitboard.app.themes import HIGH_CONTRAST, THEMES
from sitboard.app.widgets.control_panel import ControlPanel
from sitboard.app.widgets.displacement_panel import DisplacementPanel
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.app.widgets.header import BoardHeader
from sitboard.app.widgets.headline import Headline
from sitboard.app.widgets.legend import Legend
from sitboard.app.widgets.map_view import MapView
from sitboard.app.widgets.text_panel import TextPanel
from sitboard.app.widgets.timeline_strip import TimelineStrip
from sitboard.model import Scenario
from sitboard.timeline import BoardState, Timeline

MIN_WIDTH, MIN_HEIGHT = 60, 16
SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0)  # seconds per event
DEFAULT_THEME = "textual-dark"


class SidePanel(VerticalScroll, inherit_bindings=False):
    """The side panels scroll with arrows and Page keys; Home and End stay the timeline's."""

    BINDINGS = [b for b in VerticalScroll.BINDINGS if not (isinstance(b, Binding) and b.key in ("home", "end"))]


class SitboardApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "sitboard"
    BINDINGS = actions.bindings()
    COMMANDS = App.COMMANDS | {BoardCommands}

    # Not `bindings=True`: refreshing bindings rebuilds the footer, which costs
    # more than the rest of a step; only the ends change what is enabled.
    step: reactive[int] = reactive(0, init=False)
    playing: reactive[bool] = reactive(False)
    interval: reactive[float] = reactive(2.0)
    present: reactive[bool] = reactive(False)

    def __init__(
        self,
        scenario: Scenario,
        timeline: Timeline | None = None,
        *,
        step: int = 0,
        autoplay: float | None = None,
        theme_name: str | None = None,
        present: bool = False,
        ascii_only: bool = False,
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.timeline = timeline or Timeline(scenario)
        self.look = Look(scenario, ascii_only=ascii_only)
        self.ascii_only = ascii_only
        self.set_reactive(SitboardApp.step, self.timeline.clamp(step))
        self._autoplay = autoplay
        self._timer: Timer | None = None
        self.register_theme(HIGH_CONTRAST)
        self.theme = theme_name if theme_name in self.available_themes else DEFAULT_THEME
        self._theme_unknown = theme_name if theme_name and theme_name not in self.available_themes else None
        self.set_reactive(SitboardApp.present, present)
        if autoplay:
            self.set_reactive(SitboardApp.interval, autoplay)
        self.title = scenario.title

    # -- a crash is a sentence and a log file, never a traceback on the screen --

    def _handle_exception(self, error: Exception) -> None:
        self._crash = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        error = getattr(self, "_crash", None)
        if os.environ.get("SITBOARD_DEBUG") or error is None:
            super()._fatal_error()
            return
        log = Path(tempfile.gettempdir()) / f"sitboard-crash-{os.getpid()}.log"
        try:
            log.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
            where = f"details are in {log}"
        except OSError:
            where = "set SITBOARD_DEBUG=1 to see details"
        self.bell()
        self._exit_renderables.append(
            Text(f"sitboard: internal error: {type(error).__name__}: {error} ({where})", style="bold")
        )
        self._close_messages_no_wait()

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        look = self.look
        state = self.timeline.state_at(self.step)

        def given(widget):  # type: ignore[no-untyped-def]
            # The first frame is drawn with the state already in place: one
            # layout pass at start-up instead of a second one after mounting.
            widget.set_reactive(type(widget).state, state)
            return widget

        yield given(BoardHeader(look, id="header"))
        yield given(Headline(look, id="headline"))
        with Horizontal(id="body"):
            yield given(MapView(look, id="map"))
            with SidePanel(id="side"):
                yield given(EventPanel(look, id="event"))
                yield given(ControlPanel(look, id="control"))
                yield given(DisplacementPanel(look, id="displacement"))
                yield Legend(look, id="legend")
        yield given(TimelineStrip(look, id="strip"))
        yield Static("", id="too-small")
        yield Footer()

    def on_mount(self) -> None:
        if self.ascii_only:
            self.add_class("-ascii")
            ascii_scrollbars(self.query_one("#side"), self.query_one("#towns"))
        self._apply_size()
        self.set_class(self.present, "-present")
        if self._theme_unknown:
            self.notify(f"Unknown theme {self._theme_unknown!r}; using {DEFAULT_THEME}.", severity="warning")
        if self._autoplay:
            self.playing = True

    def on_resize(self, event: events.Resize) -> None:
        # Our handler runs before App._on_resize stores the new size, so
        # `self.size` is still the old one here: use the event's.
        self._apply_size(event.size)

    def _apply_size(self, size: tuple[int, int] | None = None) -> None:
        width, height = size if size is not None else self.size
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")
        self.set_class(width < 120, "-narrow")
        self.set_class(height < 32, "-short")
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            self.query_one("#too-small", Static).update(
                f"Enlarge the terminal to at least {MIN_WIDTH}x{MIN_HEIGHT} (now {width}x{height})."
            )

    def get_css_variables(self) -> dict[str, str]:
        variables = super().get_css_variables()
        scenario = self.__dict__.get("scenario")  # called by App.__init__ before we set it
        if scenario is not None:
            for faction in scenario.factions:
                variables[f"faction-{faction.id}"] = faction.color
        return variables

    def get_key_display(self, binding: Binding) -> str:
        if self.ascii_only:
            for a in actions.ACTIONS:
                if a.action == binding.action:
                    return actions.key_text(a, ascii_only=True).split(" / ")[0]
            return binding.key
        return super().get_key_display(binding)

    def action_command_palette(self) -> None:
        if not self.ascii_only:
            super().action_command_palette()
        elif self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(AsciiCommandPalette(id="--command-palette", placeholder="Search for commands..."))

    def search_themes(self) -> None:
        if not self.ascii_only:
            super().search_themes()
        else:
            self.push_screen(AsciiCommandPalette(providers=[ThemeProvider], placeholder="Search for themes..."))

    # -- the current step ------------------------------------------------------

    @property
    def state(self) -> BoardState:
        return self.timeline.state_at(self.step)

    def watch_step(self, old: int, step: int) -> None:
        self._show(self.timeline.state_at(step))
        last = self.timeline.steps
        if {old, step} & {0, last}:  # next/previous enable or disable only at the ends
            self.refresh_bindings()

    def _show(self, state: BoardState) -> None:
        for widget in (BoardHeader, Headline, EventPanel, ControlPanel, DisplacementPanel, TimelineStrip, MapView):
            self.query_one(widget).state = state

    def go_to(self, step: int) -> None:
        self.step = self.timeline.clamp(step)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next", "last") and self.step >= self.timeline.steps:
            return None
        if action in ("previous", "first") and self.step <= 0:
            return None
        return True

    # -- actions ---------------------------------------------------------------

    def action_next(self) -> None:
        self.go_to(self.step + 1)

    def action_previous(self) -> None:
        self.go_to(self.step - 1)

    def action_first(self) -> None:
        self.go_to(0)

    def action_last(self) -> None:
        self.go_to(self.timeline.steps)

    def action_toggle_play(self) -> None:
        self.playing = not self.playing

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if playing:
            if self.step >= self.timeline.steps:
                self.step = 0
            self._timer = self.set_interval(self.interval, self._tick)
        self._update_live()

    def _tick(self) -> None:
        if self.step >= self.timeline.steps:
            self.playing = False
        else:
            self.step += 1

    def _change_speed(self, direction: int) -> None:
        nearest = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.interval))
        self.interval = SPEEDS[max(0, min(len(SPEEDS) - 1, nearest + direction))]
        if self.playing:
            self.watch_playing(True)
        self.notify(f"Autoplay: one event every {self.interval:g} s", timeout=2)
        self._update_live()

    def action_slower(self) -> None:
        self._change_speed(+1)

    def action_faster(self) -> None:
        self._change_speed(-1)

    def _update_live(self) -> None:
        header = self.query_one(BoardHeader)
        play = ("> PLAY" if self.ascii_only else "▶ PLAY") if self.playing else ""
        header.live = f"{play} {self.interval:g}s".strip() if self.playing else ""

    def action_goto(self) -> None:
        def done(step: int | None) -> None:
            if step is not None:
                self.go_to(step)

        self.push_screen(GotoScreen(self.timeline), done)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.ascii_only))

    def action_toggle_present(self) -> None:
        self.present = not self.present

    def watch_present(self, present: bool) -> None:
        self.set_class(present, "-present")
        if self.is_mounted:
            self.query_one(Headline).watch_state()

    def action_cycle_theme(self) -> None:
        names = list(THEMES)
        current = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(current + 1) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2)

    def action_zoom_in(self) -> None:
        self.query_one(MapView).zoom(1.5)

    def action_zoom_out(self) -> None:
        self.query_one(MapView).zoom(1 / 1.5)

    def action_pan(self, direction: str) -> None:
        dx, dy = {"west": (-0.2, 0), "east": (0.2, 0), "north": (0, 0.2), "south": (0, -0.2)}[direction]
        self.query_one(MapView).pan(dx, dy)

    def action_reset_view(self) -> None:
        self.query_one(MapView).reset_view()

    def action_toggle_areas(self) -> None:
        self.query_one(MapView).areas = not self.query_one(MapView).areas

    # -- messages from widgets ------------------------------------------------

    @on(StepRequested)
    def _step_requested(self, message: StepRequested) -> None:
        self.go_to(message.step)

    @on(TownSelected)
    def _town_selected(self, message: TownSelected) -> None:
        self.select_town(message.town_id)

    def select_town(self, town_id: str) -> None:
        self.query_one(MapView).selected = town_id
        self.push_screen(TownScreen(self.look, self.timeline, town_id, self.step))
