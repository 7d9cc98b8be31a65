"""The board: a Textual app built from an already-loaded scenario.

The current step is one reactive on the app; every widget is handed the state
for that step and posts messages back up. Nothing here reads files.
"""

from __future__ import annotations

import gc
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import VerticalScroll
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from sitboard.app import actions
from sitboard.app.messages import ScenarioReloaded, StepRequested, TownSelected
from sitboard.app.reload import FileRead, Reloader
from sitboard.app.style import Look, ascii_scrollbars
from sitboard.app.themes import HIGH_CONTRAST, THEMES
from sitboard.app.widgets.bottom_bar import BottomBar
from sitboard.app.widgets.control_panel import ControlPanel, TownList
from sitboard.app.widgets.displacement_panel import DisplacementPanel
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.app.widgets.header import BoardHeader
from sitboard.app.widgets.legend import Legend
from sitboard.app.widgets.map_view import MapView
from sitboard.geo.text import clean
from sitboard.scenario.model import Event, Scenario
from sitboard.timeline import Situation, Timeline
from sitboard.scenario.watch import Change, FileWatcher

MIN_WIDTH, MIN_HEIGHT = 60, 16
SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0)  # seconds per event
IDLE_COLLECT = 0.2  # seconds without a step after which the garbage collector may run
PREPARE_THE_END_AFTER = 0.3  # seconds after start-up: the last step's map is drawn unseen (see _prepare_the_end)
DEFAULT_THEME = "textual-dark"


def _board_commands():  # type: ignore[no-untyped-def]
    """The palette's board commands, imported when the palette first opens."""
    from sitboard.app.commands import BoardCommands

    return BoardCommands


class SidePanel(VerticalScroll, inherit_bindings=False):
    """The side panels scroll with arrows and Page keys; Home and End stay the timeline's."""

    BINDINGS = [b for b in VerticalScroll.BINDINGS if not (isinstance(b, Binding) and b.key in ("home", "end"))]


class SitboardApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "sitboard"
    BINDINGS = actions.bindings()
    COMMANDS = App.COMMANDS | {_board_commands}

    # Not `bindings=True`: refreshing bindings rebuilds the footer, which costs
    # more than the rest of a step; only the ends change what is enabled.
    # repaint=False: a new step repaints what it changes, not the whole screen
    # (an app-level reactive's default repaint refreshes every cell, every step).
    step: reactive[int] = reactive(0, init=False, repaint=False)
    playing: reactive[bool] = reactive(False, repaint=False)
    interval: reactive[float] = reactive(2.0, repaint=False)
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
        watch: bool = False,
        owns_gc: bool = False,
    ) -> None:
        super().__init__()
        # A process that runs this one board (the command line) sets owns_gc:
        # what is built before the first frame then lives outside the garbage
        # collector's walks, and full collections run when the board is idle
        # rather than in the middle of a key press. Frozen objects are never
        # collected, so a process that creates many boards (tests) leaves it off.
        self._owns_gc = owns_gc
        self._stepped_at: float | None = None  # when the step last changed, until collected
        # The command line watches the file; tests and embedders opt in.
        self._watcher = FileWatcher(Path(scenario.path)) if watch else None
        self._reloader = Reloader(self, scenario.path, _read) if watch else None
        self._problem: str | None = None
        self.reloads = 0  # completed reloads, for anyone waiting on one
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
        self.title = self.look.text(scenario.title)  # Textual writes it into screenshots (SVG <title>, file names)
        if owns_gc:
            # The scenario, its timeline and the modules loaded so far outlive the
            # board. Freezing them now keeps the collector from walking that heap
            # during start-up (a full pass cost 15 ms of the first frame, 7% of it).
            gc.freeze()

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
                Text(clean(f"sitboard: internal error: {type(error).__name__}: {error} ({_crash_log(error)})"),
                     style="bold")
            )
        self._close_messages_no_wait()

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._set_mode_classes()
        look = self.look
        state = self.timeline.state_at(self.step)

        def given(widget):  # type: ignore[no-untyped-def]
            # The first frame is drawn with the state already in place: one
            # layout pass at start-up instead of a second one after mounting.
            widget.set_reactive(type(widget).state, state)
            return widget

        # One flat screen, no container rows: each node costs start-up time.
        # Bars `split` an edge off what is left, in the order composed here
        # (see app.tcss): the header (or headline) and the error bar the top;
        # the timeline strip and key bar the bottom; then the side column the
        # right. The map fills the rest.
        yield given(BoardHeader(look, id="header"))
        # Widgets that are hidden unless something happens (presentation mode,
        # a tiny terminal, a broken edit) are mounted when it first happens.
        if self.present:
            from sitboard.app.widgets.headline import Headline  # loaded for presentation mode only

            yield given(Headline(look, id="headline"))
        if self._problem:
            yield Static(Text(self.look.text(self._problem)), id="error-bar")
        yield given(MapView(look, id="map"))
        yield given(BottomBar(look, id="bottom"))
        with SidePanel(id="side"):
            yield given(EventPanel(look, id="event"))
            yield given(ControlPanel(look, id="control"))
            yield given(TownList(look, id="towns"))  # the Control box's lower half
            yield given(DisplacementPanel(look, id="displacement"))
            yield Legend(look, id="legend")
        if self._too_small_text():
            yield Static(Text(self._too_small_text()), id="too-small")

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
        self.set_class(self.present, "-present")
        self.set_class(self._problem is not None, "-problem")
        self._apply_size(self.size, message=False)

    def get_default_screen(self) -> Screen:
        # No focus while the first frame is built: focusing a widget restyles
        # the whole board (its :focus and every ancestor's :focus-within), which
        # is a tenth of start-up. The map takes focus once the board is shown.
        screen = Screen(id="_default")
        screen.AUTO_FOCUS = ""
        return screen

    def _board_is_showing(self) -> bool:
        """The board's own screen is on top: no dialog over it, and not quitting (no screens left)."""
        return bool(self.screen_stack) and self.screen is self.screen_stack[0]

    def _focus_the_map(self) -> None:
        # Runs after a refresh, on the screen's task: that may be in the middle of
        # a reload's recompose, when the old map is gone and the new one not yet
        # mounted (the reload focuses the new one when it is done).
        if self._board_is_showing() and self.focused is None:
            for map_view in self.query(MapView):
                map_view.focus()

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus_the_map)
        self.set_timer(PREPARE_THE_END_AFTER, self._prepare_the_end)
        if self.ascii_only:
            ascii_scrollbars(self.query_one("#side"))
        self._apply_size()
        if self._theme_unknown:
            self.notify(f"Unknown theme {self._theme_unknown!r}; using {DEFAULT_THEME}.", severity="warning")
        if self._autoplay:
            self.playing = True
        if self._watcher is not None:
            self.set_interval(0.2, self._poll_file)
        if self._owns_gc:
            # Everything built so far (scenario, timeline, basemap, widgets) lives as
            # long as the board: moving it out of the collector's reach stops the
            # occasional full collection from doubling a step's latency.
            self.call_after_refresh(_freeze)
            self.set_interval(IDLE_COLLECT / 2, self._collect_when_idle)
        self._update_live()

    def on_resize(self, event: events.Resize) -> None:
        # Our handler runs before App._on_resize stores the new size, so
        # `self.size` is still the old one here: use the event's.
        self._apply_size(event.size)

    def _apply_size(self, size: tuple[int, int] | None = None, *, message: bool = True) -> None:
        width, height = size if size is not None else self.size
        self._size_now = (width, height)
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")
        self.set_class(width < 120, "-narrow")
        self.set_class(height < 32, "-short")
        text = self._too_small_text()
        if message and text:
            bar = self._hidden_until_needed("too-small", lambda: Static(Text(text), id="too-small"), after="#side")
            if isinstance(bar, Static):
                bar.update(Text(text))

    def _too_small_text(self) -> str:
        width, height = getattr(self, "_size_now", self.size)
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            return f"Enlarge the terminal to at least {MIN_WIDTH}x{MIN_HEIGHT} (now {width}x{height})."
        return ""

    def get_css_variables(self) -> dict[str, str]:
        variables = super().get_css_variables()
        look = self.__dict__.get("look")  # called by App.__init__ before we set it
        if look is not None:
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
        elif self.use_command_palette and not CommandPalette.is_open(self):
            from sitboard.app.commands import AsciiCommandPalette

            self.push_screen(AsciiCommandPalette(id="--command-palette", placeholder="Search for commands..."))

    def search_themes(self) -> None:
        if not self.ascii_only:
            super().search_themes()
        else:
            from sitboard.app.commands import AsciiCommandPalette

            self.push_screen(AsciiCommandPalette(providers=[ThemeProvider], placeholder="Search for themes..."))

    # -- the current step ------------------------------------------------------

    @property
    def state(self) -> Situation:
        return self.timeline.state_at(self.step)

    def watch_step(self, old: int, step: int) -> None:
        self._show(self.timeline.state_at(step))
        self._stepped_at = time.monotonic()
        if self._watcher is not None:
            self._update_live()  # FOLLOW comes and goes with the last event
        last = self.timeline.steps
        if {old, step} & {0, last}:  # next/previous enable or disable only at the ends
            self.refresh_bindings()  # (the key bar repaints with the step)

    def _prepare_the_end(self) -> None:
        """Draw the last step's map once, unseen, while the board is idle after start-up.

        End is the jump a briefer makes most, and the first one was the slowest
        key press: nothing of the last step (its layer of earlier flows, its
        labels) had been drawn. About 4 ms at 2,000 towns, spent while nobody waits.
        """
        if self.step != self.timeline.steps and self._board_is_showing():
            for map_view in self.query(MapView):  # none while a reload recomposes the board
                map_view.prepare(self.timeline.state_at(self.timeline.steps))

    def _collect_when_idle(self) -> None:
        """A full collection once the steps have paused, not in the middle of one.

        Textual's strips refer to themselves through their caches, so every
        frame leaves cyclic garbage that only a full collection frees. Left to
        itself, Python runs one every ten or so jumps, inside a key press
        (7-10 ms at 2,000 towns). Here it runs when no step has come for a
        moment, where it delays nothing; during autoplay that is between steps.
        """
        if self._stepped_at is not None and time.monotonic() - self._stepped_at >= IDLE_COLLECT:
            self._stepped_at = None
            gc.collect()

    def _show(self, state: Situation) -> None:
        for widget in (BoardHeader, EventPanel, ControlPanel, TownList, DisplacementPanel, BottomBar, MapView):
            self.query_one(widget).state = state
        for headline in self.query("#headline"):  # mounted once presentation mode is first used
            headline.state = state

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
        """The header's indicator: playing (with its interval), LIVE, and FOLLOW at the end."""
        parts = []
        if self.playing:
            parts.append(f"{'>' if self.ascii_only else '▶'} PLAY {self.interval:g}s")
        if self._watcher is not None:
            parts.append("LIVE FOLLOW" if self.step >= self.timeline.steps else "LIVE")
        self.query_one(BoardHeader).live = "  ".join(parts)

    # -- live reload -------------------------------------------------------------

    def _poll_file(self) -> None:
        assert self._watcher is not None
        change = self._watcher.poll(time.monotonic())
        if change is Change.CHANGED:
            assert self._reloader is not None
            self._reloader.request()
        elif change is Change.MISSING:
            self._report(f"{self.scenario.path}: the file is gone (deleted or moved); "
                         "showing the last good version until it is back")

    @on(FileRead)
    async def _file_read(self, message: FileRead) -> None:
        """A read of the watched file finished: show it, or say what is wrong with it, then read again if asked."""
        assert self._reloader is not None
        try:
            if isinstance(message.result, str):
                self._report(message.result + " - showing the last good version")
            else:
                await self._swap(*message.result)
        finally:
            self._reloader.done()

    def _report(self, problem: str | None) -> None:
        self._problem = problem
        text = self.look.text(problem) if problem else ""
        if text or self.query("#error-bar"):
            bar = self._hidden_until_needed("error-bar", lambda: Static(Text(text), id="error-bar"), before="#map")
            if isinstance(bar, Static):
                bar.update(Text(text))
        self.set_class(problem is not None, "-problem")

    async def _swap(self, scenario: Scenario, timeline: Timeline) -> None:
        old_events, old_step, old_steps = self.scenario.events, self.step, self.timeline.steps
        old_map = self.query_one(MapView)
        old_view, old_home = old_map.view, old_map.scene.home
        following = old_step >= old_steps
        step = timeline.steps if following else matching_step(old_events, old_step, scenario, timeline)
        self.scenario, self.timeline = scenario, timeline
        self.look = Look(scenario, ascii_only=self.ascii_only)
        self.title = self.look.text(scenario.title)
        self._problem = None
        self.set_reactive(SitboardApp.step, step)
        await self.recompose()
        new_map = self.query_one(MapView)
        if new_map.scene.home == old_home:  # same extent: keep the briefer's zoom and pan
            new_map.view = old_view
        self._report(None)
        if self.ascii_only:
            ascii_scrollbars(self.query_one("#side"))
        self.call_after_refresh(self._focus_the_map)  # the old widgets took the focus with them
        self.set_timer(PREPARE_THE_END_AFTER, self._prepare_the_end)
        self.refresh_bindings()
        self._update_live()
        if self._owns_gc:
            # The old scenario's widgets are garbage now; collect them, then freeze the new ones.
            gc.unfreeze()
            gc.collect()
            self.call_after_refresh(_freeze)
        self.reloads += 1
        self.post_message(ScenarioReloaded(timeline.steps))
        added = timeline.steps - old_steps
        self.notify(f"Reloaded {Path(scenario.path).name}: {timeline.steps} events"
                    + (f" ({added:+d})" if added else ""), timeout=3)

    def action_goto(self) -> None:
        def done(step: int | None) -> None:
            if step is not None:
                self.go_to(step)

        from sitboard.app.screens import GotoScreen  # screens load when first opened

        self.push_screen(GotoScreen(self.look, self.timeline), done)

    def action_help(self) -> None:
        from sitboard.app.screens import HelpScreen

        self.push_screen(HelpScreen(self.ascii_only))

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

    def action_toggle_present(self) -> None:
        self.present = not self.present

    def watch_present(self, present: bool) -> None:
        self.set_class(present, "-present")
        if present and self.is_mounted:
            from sitboard.app.widgets.headline import Headline

            def make() -> Headline:
                headline = Headline(self.look, id="headline")
                headline.set_reactive(Headline.state, self.state)
                return headline

            self._hidden_until_needed("headline", make, after="#header")

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
        from sitboard.app.screens import TownScreen

        self.push_screen(TownScreen(self.look, self.timeline, town_id, self.step))


# Characters XML 1.0 cannot hold, even escaped (its `Char` production).
_XML_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _read(path: str) -> Scenario:
    """The watched file read as the command line reads it (looked up when called, so tests can stand in for it)."""
    from sitboard.cli import read

    return read(path)


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


def _freeze() -> None:
    # Not `call_after_refresh(gc.freeze)`: Textual counts a callback's
    # parameters with `inspect.signature`, which for a builtin means compiling
    # the tokenizer's regular expressions, 5 ms of the first frame.
    gc.freeze()


def matching_step(old_events: tuple[Event, ...], old_step: int, scenario: Scenario, timeline: Timeline) -> int:
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
