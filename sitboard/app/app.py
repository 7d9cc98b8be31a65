"""The board: a Textual app given an already-loaded timeline and, to follow its file, a source.

What the board shows is one value, `state` (a `BoardState`: the step and
the view), beside `timeline` (the scenario): two reactives that every widget
is bound to (`data_bind`), so a change reaches each widget without the app
knowing which widgets there are. Keys run pure moves on the state; widgets
post messages up (`StepRequested`, `TownSelected`, `ViewChanged`); a reload
is a message (`ScenarioLoaded`) that swaps the timeline under the same
widgets. Nothing here reads files: the source does.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.css.scalar import Scalar
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from sitboard.app import actions
from sitboard.app.collector import IDLE, IdleCollector, freeze, half_due
from sitboard.app.messages import ScenarioReloaded, StepRequested, TownSelected, ViewChanged, ZoomRequested
from sitboard.app.reload import Reloader, ScenarioLoaded, ScenarioUnreadable
from sitboard.app.style import Look, look_for
from sitboard.app.themes import DEFAULT_THEME, THEMES, high_contrast
from sitboard.app.widgets.bottom_bar import BottomBar
from sitboard.app.widgets.bound import BoardWidget, give, no_timeline_yet
from sitboard.app.widgets.control_panel import ControlPanel, TownList
from sitboard.app.widgets.displacement_panel import DisplacementPanel
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.app.widgets.header import BoardHeader
from sitboard.app.widgets.legend import Legend
from sitboard.app.widgets.map_view import MapView
from sitboard.app.widgets.side import SideColumn
from sitboard.geo import camera
from sitboard.geo.projection import View
from sitboard.panels import layout
from sitboard.panels.layout import MIN_HEIGHT, MIN_WIDTH
from sitboard.panels.narration import narration
from sitboard.scenario.append import only_appended
from sitboard.scenario.cleantext import clean
from sitboard.scenario.model import Event, Scenario
from sitboard.scenario.source import ScenarioSource
from sitboard.scenario.watch import Change
from sitboard.state import (
    BoardState,
    compare_with,
    go_to,
    reset_view,
    select,
    toggle_areas,
    toggle_layer,
    toggle_present,
)
from sitboard.timeline import Timeline

SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0)  # seconds per event
PREPARE_THE_END_AFTER = 0.3  # seconds after the first frame: the last step's map is drawn unseen (see _prepare_the_end)
POLL_EVERY = 0.2  # seconds between looks at the watched file
ZOOM_STEP = 1.5
PAN_STEP = 0.2  # of the view's width or height


def _board_commands() -> type[Provider]:
    """The palette's board commands, imported when the palette first opens."""
    from sitboard.app.commands import BoardCommands

    return BoardCommands


class BoardScreen(Screen[None]):
    """The board's screen. No focus while the first frame is built: focusing a widget restyles the whole
    board (its :focus and every ancestor's :focus-within), a tenth of start-up; the map takes it once shown."""

    AUTO_FOCUS = ""


class SitboardApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "sitboard"
    BINDINGS: ClassVar[list[BindingType]] = list(actions.bindings())
    COMMANDS = {_board_commands}  # the board's own, each hit with its kind (see commands.py)
    PATIENT_COLLECTOR = False  # with owns_gc: a pause collects only when one is half due (`collector.half_due`)

    # repaint=False: a new state repaints what it changes, not the whole screen
    # (an app-level reactive's default repaint refreshes every cell, every step).
    # Not `bindings=True`: refreshing bindings rebuilds the footer, which costs
    # more than the rest of a step; only the ends change what is enabled.
    state: reactive[BoardState] = reactive(BoardState(), init=False, repaint=False)
    timeline: reactive[Timeline] = reactive(no_timeline_yet, init=False, repaint=False)
    # The presenter's transport, not part of the state: a follower follows steps, not a timer.
    playing: reactive[bool] = reactive(False, repaint=False)
    interval: reactive[float] = reactive(2.0, repaint=False)
    live: reactive[str] = reactive("", repaint=False)  # the header's indicator: PLAY, LIVE, FOLLOW
    transport: reactive[str] = reactive("", repaint=False)  # the headline's: playing or paused

    def __init__(
        self,
        timeline: Timeline,
        state: BoardState | None = None,
        *,
        source: ScenarioSource | None = None,
        autoplay: float | None = None,
        theme_name: str | None = None,
        ascii_only: bool = False,
        owns_gc: bool = False,
        cameras: bool = True,
        defer_context: bool = False,
    ) -> None:
        """`source`, if given, is followed: a save reloads the board (`--no-watch` gives one that never changes).

        `owns_gc`: this process runs this one board (the command line), so
        the garbage collector is the board's to schedule (`collector`).
        `cameras`: entering a step moves the map to the step's camera (its
        event's `view:`, see `sitboard.geo.camera`); False is `--no-camera`.
        `defer_context`: the map's context layers are made in a thread after
        the first frame (the command line's board); a board whose picture is
        taken once (export, tests) makes them before drawing.
        """
        super().__init__()
        self._collector = IdleCollector(due=half_due if self.PATIENT_COLLECTOR else None) if owns_gc else None
        self._source = source
        self._reloader = Reloader(self, source, timeline) if source is not None and source.watching else None
        self._problem: str | None = None
        self.reloads = 0  # completed reloads, for anyone waiting on one
        self.ascii_only = ascii_only
        self.defer_context = defer_context
        self._homes: tuple[Scenario, View] | None = None
        self._cameras: camera.StepCameras | None = None
        self.cameras_on = cameras
        state = state or BoardState()
        self.set_reactive(SitboardApp.timeline, timeline)
        state = go_to(state, timeline, state.step)
        if cameras and self.cameras.any and state.center is None and state.zoom == 1.0:
            center, zoom = self.cameras.view_at(state.step)  # opening at a step enters it
            state = state._replace(center=center, zoom=zoom)
        self.set_reactive(SitboardApp.state, state)
        self._autoplay = autoplay
        self._timer: Timer | None = None
        self.register_theme(high_contrast())
        self.theme = theme_name if theme_name in self.available_themes else DEFAULT_THEME
        self._theme_unknown = theme_name if theme_name and theme_name not in self.available_themes else None
        if autoplay:
            self.set_reactive(SitboardApp.interval, autoplay)
        self.set_reactive(SitboardApp.live, self._live_text())
        self.set_reactive(SitboardApp.transport, self._transport_text())
        self.title = self.look.text(timeline.scenario.title)  # Textual writes it into screenshots (SVG <title>)
        if self._collector is not None:
            # The scenario, its timeline and the modules loaded so far outlive the board.
            self._collector.built()

    @property
    def scenario(self) -> Scenario:
        return self.timeline.scenario

    @property
    def step(self) -> int:
        return self.state.step

    @property
    def present(self) -> bool:
        return self.state.present

    @property
    def home(self) -> View:
        """The scenario's home view: what zoom 1 shows (see `sitboard.geo.camera`)."""
        scenario = self.timeline.scenario
        if self._homes is None or self._homes[0] is not scenario:
            self._homes = (scenario, camera.home_view(scenario))
        return self._homes[1]

    @property
    def cameras(self) -> camera.StepCameras:
        """Each step's camera, for the scenario shown now."""
        scenario = self.timeline.scenario
        if self._cameras is None or self._cameras.scenario is not scenario:
            self._cameras = camera.StepCameras(scenario, self.home)
        return self._cameras

    # -- a crash is a sentence and a log file, never a traceback on the screen --

    def _handle_exception(self, error: Exception) -> None:
        if self.crash is None:  # the first is the cause; later ones are usually its consequences
            self._crash = error
        super()._handle_exception(error)

    @property
    def crash(self) -> Exception | None:
        """The exception that stopped the board, if one did (an export must not pass off a broken picture)."""
        return self.__dict__.get("_crash")

    def _fatal_error(self) -> None:
        error = self.crash
        if os.environ.get("SITBOARD_DEBUG") or error is None:
            super()._fatal_error()
            return
        if not self._exit_renderables:  # one sentence, about the first failure (Textual calls this for each)
            self.bell()
            # The message may quote scenario text (a markup error does): cleaned, and a Text, not markup.
            self._exit_renderables.append(
                Text(
                    clean(f"sitboard: internal error: {type(error).__name__}: {error} ({_crash_log(error)})"),
                    style="bold",
                )
            )
        self._close_messages_no_wait()

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._set_mode_classes()
        state, timeline, ascii_only = self.state, self.timeline, self.ascii_only

        def bound(widget: BoardWidget) -> BoardWidget:
            # The first frame is drawn with the state already in place (one
            # layout pass at start-up), and later ones through the binding.
            return give(widget, state, timeline, SitboardApp.state, SitboardApp.timeline)

        # One flat screen, no container rows: each node costs start-up time.
        # Bars `split` an edge off what is left, in the order composed here
        # (see app.tcss): the header (or headline) and the error bar the top;
        # the timeline strip and key bar the bottom; then the side column the
        # right. The map fills the rest.
        header = BoardHeader(ascii_only=ascii_only, id="header")
        header.set_reactive(BoardHeader.live, self.live)
        yield bound(header).data_bind(SitboardApp.live)
        # Widgets that are hidden unless something happens (presentation mode,
        # a tiny terminal, a broken edit) are mounted when it first happens.
        if state.present:
            yield self._headline()
        if self._problem:
            yield Static(Text(self.look.text(self._problem)), id="error-bar")
        yield bound(MapView(ascii_only=ascii_only, id="map"))
        yield bound(BottomBar(ascii_only=ascii_only, id="bottom"))
        side = SideColumn(id="side")
        side.configure(self._frame())
        with side:
            yield bound(EventPanel(ascii_only=ascii_only, id="event"))
            yield bound(ControlPanel(ascii_only=ascii_only, id="control"))
            yield bound(TownList(ascii_only=ascii_only, id="towns"))  # the Control box's lower half
            yield bound(DisplacementPanel(ascii_only=ascii_only, id="displacement"))
            yield bound(Legend(ascii_only=ascii_only, id="legend"))
        if state.compare is not None:
            yield self._earlier_map()
        if self._too_small_text():
            yield Static(Text(self._too_small_text()), id="too-small")

    def _fit_split(self) -> None:
        """The split view's halves share what the side column leaves: measured once laid out, as the stylesheet sized it."""
        found = self.query("#map-earlier")
        if not found or self.state.compare is None:
            return
        side = self.query_one("#side")
        side_width = side.outer_size.width if side.display else 0
        width = max(1, (self.size.width - side_width) // 2)
        if found.first().styles.width != Scalar.from_number(width):
            found.first().styles.width = width

    def _earlier_map(self) -> Widget:
        """The split view's left half: the same view at the step compared with (mounted when first asked for)."""
        earlier = MapView(ascii_only=self.ascii_only, earlier=True, id="map-earlier")
        return give(earlier, self.state, self.timeline, SitboardApp.state, SitboardApp.timeline)

    def _headline(self) -> Widget:
        from sitboard.app.widgets.headline import Headline  # loaded for presentation mode only

        headline = Headline(ascii_only=self.ascii_only, id="headline")
        headline.set_reactive(Headline.play, self.transport)
        return give(headline, self.state, self.timeline, SitboardApp.state, SitboardApp.timeline).data_bind(
            play=SitboardApp.transport
        )

    def _hidden_until_needed(self, widget_id: str, make: Callable[[], Widget], **where: str) -> Widget | None:
        """The widget with this id, made and mounted now if it was not; None before the board is composed."""
        found = self.query(f"#{widget_id}")
        if found:
            return found.first()
        bottom = self.query(BottomBar)
        if not bottom:
            return None  # composing: compose() decides
        widget = make()
        bottom.first().screen.mount(widget, **where)  # the board's screen, even under a modal one
        return widget

    def _set_mode_classes(self) -> None:
        # Set before the widgets are styled, so the first frame needs one styling pass.
        self.set_class(self.ascii_only, "-ascii")
        self.set_class(self.state.present, "-present")
        self.set_class(self.state.compare is not None, "-compare")
        self.set_class(self._problem is not None, "-problem")
        self._apply_size(self.size, message=False)

    def get_default_screen(self) -> Screen[None]:
        return BoardScreen(id="_default")

    def _board_is_showing(self) -> bool:
        """The board's own screen is on top: no dialog over it, and not quitting (no screens left)."""
        return bool(self.screen_stack) and self.screen is self.screen_stack[0]

    def _focus_the_map(self) -> None:
        # Runs after a refresh, on the screen's task: a dialog may be open by then.
        if self._board_is_showing() and self.focused is None:
            for map_view in self.query(MapView):
                map_view.focus()

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus_the_map)
        # counted from the first frame: a large scenario's first frame takes longer than the delay
        self.call_after_refresh(self._prepare_the_end_soon)
        self._apply_size()
        if self._theme_unknown:
            self.notify(f"Unknown theme {self._theme_unknown!r}; using {DEFAULT_THEME}.", severity="warning")
        if self._autoplay:
            self.playing = True
        if self._reloader is not None:
            self.set_interval(POLL_EVERY, self._poll_file)
        if self._collector is not None:
            # Everything built so far (scenario, timeline, basemap, widgets) lives as long as the board.
            self.call_after_refresh(freeze)
            self.set_interval(IDLE / 2, self._collector.tick)

    def on_resize(self, event: events.Resize) -> None:
        # Our handler runs before App._on_resize stores the new size, so
        # `self.size` is still the old one here: use the event's.
        self._apply_size(event.size)

    def _apply_size(self, size: tuple[int, int] | None = None, *, message: bool = True) -> None:
        width, height = size if size is not None else self.size
        self._size_now = (width, height)
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")
        frame = self._frame()
        self.set_class(frame.header < layout.HEADER_ROWS, "-short")
        for side in self.query(SideColumn):
            side.configure(frame)
        self.call_after_refresh(self._fit_split)
        text = self._too_small_text()
        if message and text:
            bar = self._hidden_until_needed("too-small", lambda: Static(Text(text), id="too-small"), after="#side")
            if isinstance(bar, Static):
                bar.update(Text(text))

    def _frame(self) -> layout.Frame:
        """Where the bars, the map and the side column go at the terminal's size (`sitboard.panels.layout`)."""
        width, height = getattr(self, "_size_now", self.size)
        halves = self.state.compare is not None and not self.state.present
        return layout.frame(width, height, layout.map_aspect(*self.home), halves=halves)

    def _too_small_text(self) -> str:
        width, height = getattr(self, "_size_now", self.size)
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            return f"Enlarge the terminal to at least {MIN_WIDTH}x{MIN_HEIGHT} (now {width}x{height})."
        return ""

    @property
    def look(self) -> Look:
        """The scenario's look in the current theme (holders' colours made legible on the theme's backgrounds)."""
        return look_for(self.timeline.scenario, ascii_only=self.ascii_only, theme=self.current_theme)

    def get_css_variables(self) -> dict[str, str]:
        variables = super().get_css_variables()
        if "_theme_unknown" in self.__dict__:  # called by App.__init__ before the timeline and theme are set
            look = self.look
            for faction in look.scenario.factions:
                variables[f"faction-{faction.id}"] = look.holders[faction.id].color
        return variables

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast that shows its message as written: never markup unless a caller asks.

        Messages quote file names, theme names and scenario text (`brief [draft].yaml`,
        `--theme '[/]'`), which Textual would otherwise parse as markup: tags
        vanish, and a stray `[/]` kills the board. They are cleaned as every
        other text on the board is.
        """
        if not markup:
            message, title = self.look.text(message), self.look.text(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_help_quit(self) -> None:
        # Textual's own hint is markup, which `notify` above would show as written.
        self.notify("Press q to quit sitboard.", title="Do you want to quit?")

    @on(events.DeliveryComplete)
    def _screenshot_delivered(self, event: events.DeliveryComplete) -> None:
        """The palette's Screenshot says where it went, without Textual's markup around the path."""
        if event.name == "screenshot":
            event.prevent_default()  # Textual's handler would put the path (any folder name) into markup
            self.notify(f"Saved {event.path}" if event.path is not None else "Saved the screenshot", timeout=4)

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
        elif self.use_command_palette and not self.screen.has_class("--textual-command-palette"):  # is_open
            from sitboard.app.commands import AsciiCommandPalette

            self.push_screen(AsciiCommandPalette(id="--command-palette", placeholder="Search for commands..."))

    def search_themes(self) -> None:
        if not self.ascii_only:
            super().search_themes()
        else:
            from sitboard.app.commands import AsciiCommandPalette

            self.push_screen(AsciiCommandPalette(providers=[ThemeProvider], placeholder="Search for themes..."))

    # -- the state -------------------------------------------------------------

    def watch_state(self, old: BoardState, new: BoardState) -> None:
        if old.step != new.step:
            if self._collector is not None:
                self._collector.stepped()
            if self._reloader is not None:
                self._update_live()  # FOLLOW comes and goes with the last event
            last = self.timeline.steps
            if {old.step, new.step} & {0, last}:  # next/previous enable or disable only at the ends
                self.refresh_bindings()  # (the key bar repaints with the step)
        if (old.compare is None) != (new.compare is None):
            self.set_class(new.compare is not None, "-compare")
            if new.compare is not None:
                self._hidden_until_needed("map-earlier", self._earlier_map, after="#side")
        if old.present != new.present:
            self.set_class(new.present, "-present")
            if new.present:  # (mounted only once the board is composed: see _hidden_until_needed)
                self._hidden_until_needed("headline", self._headline, after="#header")
        if (new.compare is None) != (old.compare is None):
            self._apply_size(message=False)  # the split view's halves are equal: the side may take a column
        if new.compare is not None and (old.compare is None or old.present != new.present):
            self.call_after_refresh(self._fit_split)  # the halves share what the side column leaves

    def _prepare_the_end_soon(self) -> None:
        self.set_timer(PREPARE_THE_END_AFTER, self._prepare_the_end)

    def _prepare_the_end(self) -> None:
        """Draw the last step's map once, unseen, while the board is idle after start-up.

        End is the jump a briefer makes most, and the first one was the slowest
        key press: nothing of the last step (its layer of earlier flows, its
        labels) had been drawn. About 4 ms at 2,000 towns, spent while nobody waits.
        """
        timeline = self.timeline
        from sitboard.panels import goto  # not at start-up: the dialog's module is loaded when first needed

        goto.prepare(timeline)  # the names a go-to looks up first
        if self.step != timeline.steps and self._board_is_showing():
            for map_view in self.query(MapView):
                map_view.prepare(timeline.state_at(timeline.steps))

    def go_to(self, step: int) -> None:
        """Enter `step`: every way of stepping (keys, autoplay, go-to, the strip, the palette) comes here."""
        with self.arranged_once():
            if self.cameras_on:
                self.state = camera.enter_step(self.state, self.timeline, step, self.cameras)
            else:
                self.state = go_to(self.state, self.timeline, step)

    @contextmanager
    def arranged_once(self) -> Iterator[None]:
        """The side column's panels that change in this block are given their rows once, at its end."""
        with ExitStack() as stack:
            for side in self.query(SideColumn):
                stack.enter_context(side.held())
            yield

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next", "last") and self.step >= self.timeline.steps:
            return None
        if action in ("previous", "first") and self.step <= 0:
            return None
        return True

    # -- actions: each one a move on the state -----------------------------------

    def action_next(self) -> None:
        self.go_to(self.step + 1)

    def action_previous(self) -> None:
        self.go_to(self.step - 1)

    def action_first(self) -> None:
        self.go_to(0)

    def action_last(self) -> None:
        self.go_to(self.timeline.steps)

    def action_zoom_in(self) -> None:
        self.state = camera.zoom(self.state, self.home, ZOOM_STEP)

    def action_zoom_out(self) -> None:
        self.state = camera.zoom(self.state, self.home, 1 / ZOOM_STEP)

    def action_pan(self, direction: str) -> None:
        dx, dy = {"west": (-PAN_STEP, 0), "east": (PAN_STEP, 0), "north": (0, PAN_STEP), "south": (0, -PAN_STEP)}[
            direction
        ]
        self.state = camera.pan(self.state, self.home, dx, dy)

    def action_reset_view(self) -> None:
        self.state = reset_view(self.state)

    def action_toggle_areas(self) -> None:
        self.state = toggle_areas(self.state)

    def action_toggle_layer(self, layer: str) -> None:
        self.state = toggle_layer(self.state, layer)

    def action_toggle_present(self) -> None:
        self.state = toggle_present(self.state)

    # -- playing: the presenter's transport ----------------------------------------

    def action_toggle_play(self) -> None:
        self.playing = not self.playing

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if playing:
            if self.step >= self.timeline.steps:
                self.go_to(0)
            self._timer = self.set_interval(self.interval, self._tick)
        self._update_live()

    def _tick(self) -> None:
        if self.step >= self.timeline.steps:
            self.playing = False
        else:
            self.action_next()

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

    def _live_text(self) -> str:
        """The header's indicator: playing (with its interval), LIVE, and FOLLOW at the end."""
        parts = [self._transport_text()] if self.playing else []
        if self._reloader is not None:
            parts.append("LIVE FOLLOW" if self.step >= self.timeline.steps else "LIVE")
        return "  ".join(parts)

    def _transport_text(self) -> str:
        """The headline's word for the transport: a room must see whether the board moves on by itself."""
        if self.playing:
            return f"{'>' if self.ascii_only else '▶'} PLAY {self.interval:g}s"
        return "|| PAUSED" if self.ascii_only else "❚❚ PAUSED"

    def _update_live(self) -> None:
        self.live = self._live_text()
        self.transport = self._transport_text()

    # -- live reload: the source says the file changed; its new timeline is a message ------------

    def _poll_file(self) -> None:
        assert self._source is not None and self._reloader is not None
        change = self._source.poll(time.monotonic())
        if change is Change.CHANGED:
            self._reloader.request()
        elif change is Change.MISSING:
            self._report(
                f"{self._source.path}: the file is gone (deleted or moved); "
                "showing the last good version until it is back"
            )

    @on(ScenarioLoaded)
    def _scenario_loaded(self, message: ScenarioLoaded) -> None:
        try:
            self._swap(message.timeline)
        finally:
            if self._reloader is not None:
                self._reloader.done()

    @on(ScenarioUnreadable)
    def _scenario_unreadable(self, message: ScenarioUnreadable) -> None:
        try:
            self._report(message.problem + " - showing the last good version")
        finally:
            if self._reloader is not None:
                self._reloader.done()

    def _report(self, problem: str | None) -> None:
        self._problem = problem
        text = self.look.text(problem) if problem else ""
        if text or self.query("#error-bar"):
            bar = self._hidden_until_needed("error-bar", lambda: Static(Text(text), id="error-bar"), before="#map")
            if isinstance(bar, Static):
                bar.update(Text(text))
        self.set_class(problem is not None, "-problem")

    def _swap(self, timeline: Timeline) -> None:
        """Show `timeline` instead of the current one, in the same widgets: they redraw from the bound timeline.

        The view stays on the same event (or follows the end), and keeps its
        zoom and pan when the map's extent is unchanged.
        """
        old_timeline, old_state, old_home = self.timeline, self.state, self.home
        following = old_state.step >= old_timeline.steps
        appended = only_appended(old_timeline.scenario, timeline.scenario)
        if following:
            step = timeline.steps
        elif appended:
            step = old_state.step  # the same event at the same step (matching it would build every record)
        else:
            step = matching_step(old_timeline.scenario.events, old_state.step, timeline.scenario, timeline)
        state = old_state._replace(step=step)
        if camera.home_view(timeline.scenario) != old_home:
            state = reset_view(state)
        self.show_timeline(timeline, state, collect=not appended)
        if appended:
            # Nearly all of the old timeline lives on in the new one; what does not is freed as soon as
            # nothing refers to it, once its kept situation (which refers back to it) is let go.
            old_timeline.forget()
        self._report(None)
        self.reloads += 1
        self.post_message(ScenarioReloaded(timeline.steps))
        added = timeline.steps - old_timeline.steps
        self.notify(
            f"Reloaded {Path(timeline.scenario.path).name}: {timeline.steps} events"
            + (f" ({added:+d})" if added else ""),
            timeout=3,
        )

    def show_timeline(self, timeline: Timeline, state: BoardState, *, collect: bool = True) -> None:
        """Show another scenario at `state`, in the same widgets: they redraw from the bound timeline.

        (A reload, and a follower sent the presenter's scenario.) A selected
        town the new scenario lacks is dropped. `collect`: the old scenario is
        garbage now, for a full collection (not after an append, where it lives
        on in the new one: a full pass over 300,000 events' heap is a second of
        the board's thread).
        """
        if state.selected is not None and state.selected not in timeline.scenario.town_index:
            state = select(state, None)
        self.timeline = timeline  # every widget draws the new scenario (at the old step, held in range) ...
        self.state = go_to(state, timeline, state.step)  # ... then at its step
        self._apply_size(message=False)  # another extent may give the map and the side other widths
        self.set_timer(PREPARE_THE_END_AFTER, self._prepare_the_end)
        self.refresh_bindings()
        self._update_live()
        if self._collector is not None:
            # The old scenario and what was drawn from it are garbage now; collect them, then freeze the new ones.
            if collect:
                self._collector.replaced()
            self.call_after_refresh(freeze)

    def action_goto(self) -> None:
        def done(step: int | None) -> None:
            if step is not None:
                self.go_to(step)

        from sitboard.app.screens import GotoScreen  # screens load when first opened

        self.push_screen(GotoScreen(self.look, self.timeline, self.step), done)

    def action_compare(self) -> None:
        """Open the split view with a moment asked for (a step or a date), or close it."""
        if self.state.compare is not None:
            self.state = compare_with(self.state, self.timeline, None)
            return

        def done(step: int | None) -> None:
            if step is not None:
                self.state = compare_with(self.state, self.timeline, step)

        from sitboard.app.screens import GotoScreen

        prompt = f"Compare with: a step 0..{self.timeline.steps}, 'start', or a date (2024-12-05)"
        self.push_screen(GotoScreen(self.look, self.timeline, prompt=prompt), done)

    def action_help(self) -> None:
        from sitboard.app.screens import HelpScreen

        self.push_screen(HelpScreen(self.ascii_only))

    def action_say_step(self) -> None:
        """The step as one sentence, for whoever cannot read the panels from their seat (a follower may ask too)."""
        self.notify(self.look.text(narration(self.timeline.state_at(self.step))), title="This step", timeout=12)

    def action_save_picture(self) -> None:
        """An SVG of the board as it is now: beside where the briefer started sitboard, or to the browser."""
        stem = Path(self.scenario.path).stem or "sitboard"
        self.deliver_screenshot(f"{stem}-step{self.step}-{time.strftime('%Y%m%d-%H%M%S')}.svg")

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        """Textual's SVG of the screen, made valid XML.

        Rich escapes `<` and `&` but writes any other character as it is, and XML
        1.0 has no way to carry a few (U+FFFE, U+FFFF, C0 controls): one in a
        name would make every picture of the board unreadable (`s`, the
        palette's Screenshot, `export --format svg`).
        """
        return _XML_UNSAFE.sub("", super().export_screenshot(title=title, simplify=simplify))

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """`s` and the palette's Screenshot: a file written whole, or a download in a browser.

        A board served to a browser (`sitboard serve`) sends the picture to that
        browser: writing it on the server would let anyone with the link fill
        the server's disk.
        """
        # The palette's "Screenshot" runs this after the next refresh; a board
        # that is quitting by then has no screen left, and Textual would raise.
        if not self.screen_stack:
            return None
        if self.is_web:
            return super().deliver_screenshot(filename, path, time_format)
        from sitboard.scenario.userfile import write_file  # whole or not at all, like every file sitboard writes

        name = filename or f"{Path(self.scenario.path).stem or 'sitboard'}-{time.strftime('%Y%m%d-%H%M%S')}.svg"
        try:
            saved = write_file(os.path.join(path or os.getcwd(), name), self.export_screenshot().encode("utf-8"))
        except OSError as exc:
            self.notify(f"Could not save the picture: {exc.strerror or exc}", severity="error")
            return None
        self.notify(f"Saved {saved}", timeout=4)
        return saved

    def action_cycle_theme(self) -> None:
        names = list(THEMES)
        current = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(current + 1) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2)

    # -- messages from widgets ------------------------------------------------

    @on(StepRequested)
    def _step_requested(self, message: StepRequested) -> None:
        self.go_to(message.step)

    @on(TownSelected)
    def _town_selected(self, message: TownSelected) -> None:
        self.select_town(message.town_id)

    @on(ViewChanged)
    def _view_changed(self, message: ViewChanged) -> None:
        self.state = self.state._replace(center=message.center, zoom=message.zoom)

    @on(ZoomRequested)
    def _zoom_requested(self, message: ZoomRequested) -> None:
        if message.at is None:
            self.state = camera.zoom(self.state, self.home, message.factor)
        else:
            self.state = camera.zoom_at(self.state, self.home, message.factor, message.at)

    def select_town(self, town_id: str) -> None:
        self.state = select(self.state, town_id)
        from sitboard.app.screens import TownScreen

        self.push_screen(TownScreen(self.look, self.timeline, town_id, self.step))


# Characters XML 1.0 cannot hold, even escaped (its `Char` production).
_XML_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _crash_log(error: Exception) -> str:
    """Where the traceback went, as the end of a sentence.

    A new file of our own (mkstemp), never a fixed name that someone else could
    have put a link at in a shared temporary folder.
    """
    import tempfile
    import traceback

    try:
        fd, log = tempfile.mkstemp(prefix="sitboard-crash-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("".join(traceback.format_exception(error)))
    except OSError:
        return "set SITBOARD_DEBUG=1 to see details"
    return f"details are in {log}"


def matching_step(old_events: Sequence[Event], old_step: int, scenario: Scenario, timeline: Timeline) -> int:
    """Where the view should be after a reload: the same event, else the nearest.

    The same event is the one with the same time and title (closest to the old
    position if several match); failing that, the last event at or before the
    old event's time.
    """
    if old_step == 0:
        return 0
    old = old_events[old_step - 1]
    same = [e.index + 1 for e in scenario.events if e.time.text == old.time.text and e.title == old.title]
    if same:
        return min(same, key=lambda s: abs(s - old_step))
    return timeline.step_at_or_before(old.time.sort_key)
