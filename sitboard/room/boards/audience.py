"""The follower's board: the ordinary board, at this screen's size and theme, showing the presenter's state.

Read-only by one rule: the board's `state` changes only when the presenter's
arrives (`validate_state` refuses every other change, whatever asked for it:
a key, the palette, the mouse on the map or the timeline strip). The keys
that would move the briefing are greyed in the key bar and say, in one line,
that the presenter drives; help, themes, saving a picture and quitting are
this screen's own and still work.

What the room says arrives as events of `sitboard.room.Follower`, read by a
worker for as long as the board runs. The bar at the top says when the board
is not showing the briefing live: waiting for the presenter, "presenter
disconnected" (the last picture stays, and the board picks up again when the
presenter is back), another scenario than the presenter's, or a refusal.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from textual.actions import ActionParseResult, parse
from textual.dom import DOMNode

from sitboard.app.actions import ACTIONS
from sitboard.app.app import SitboardApp
from sitboard.app.colors import rich_color_ok
from sitboard.room.boards import APP_CSS
from sitboard.room.boards.stamps import Stamps
from sitboard.room.follower import (
    Connected,
    Disconnected,
    Follower,
    Reconnecting,
    ScenarioReceived,
    StateReceived,
)
from sitboard.room.wire import JSONObject
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import parse_scenario
from sitboard.state import BoardState, go_to, select
from sitboard.timeline import Timeline

# What a follower may still do on its own screen; every other action moves the briefing.
OWN_ACTIONS = frozenset(("cycle_theme", "save_picture", "say_step", "help", "quit"))
DRIVING = frozenset(parse(a.action)[1] for a in ACTIONS) - OWN_ACTIONS
PRESENTER_DRIVES = (
    "The presenter drives this board: steps and the map follow theirs (r reads the step aloud, ? help, q quit)."
)
NOTICE_EVERY = 3.0  # seconds: a held key says it once, not at every repeat
RECEIVED_NAME = "presenter.yaml"  # what a scenario sent by the presenter is called in messages


def scenario_from_presenter(data: bytes) -> Timeline:
    """The timeline of a scenario the presenter sent (ScenarioError if this version cannot read it)."""
    return Timeline(parse_scenario(data.decode("utf-8"), RECEIVED_NAME, color_ok=rich_color_ok))


class FollowerBoard(SitboardApp):
    """A board that follows `link`. `shown` is the room's name for the scenario it is showing (sha256)."""

    CSS_PATH = APP_CSS
    PATIENT_COLLECTOR = True  # states come at the presenter's pace, and one machine may show several followers

    def __init__(
        self,
        timeline: Timeline,
        *,
        link: Follower,
        shown: str | None,
        joined: Connected | None = None,
        status: str | None = None,
        **options: Any,
    ) -> None:
        """`joined`: the presenter's welcome, if it came before the board opened; `status`: the bar's first words."""
        self.link = link
        self.shown = shown  # the room's name of the scenario on screen
        self.presenter: BoardState | None = None  # the presenter's latest state, shown or not
        self.presenter_seq = 0
        self.connected = joined is not None
        self._presenter_scenario = joined.scenario_sha256 if joined is not None else None
        self._applying = False
        self._noticed = 0.0
        self.stamps = Stamps("follower")
        if joined is not None:
            try:
                self.presenter, self.presenter_seq = BoardState.from_json(joined.state), joined.seq
            except ValueError as exc:
                status = f"The presenter sent a state this board cannot show: {exc}"
        start = self.presenter if self.following and self.presenter is not None else BoardState()
        super().__init__(timeline, _held(start, timeline), cameras=False, **options)
        self._problem = status  # drawn by compose: the first frame already says it

    @property
    def following(self) -> bool:
        """Whether the screen shows the briefing live: connected, and to a presenter of this scenario."""
        return self.connected and self.shown is not None and self.shown == self._presenter_scenario

    def on_mount(self) -> None:
        super().on_mount()
        self.run_worker(self._follow(), name="follow the presenter", exit_on_error=False)
        self._stamp_status()
        if self.stamps.on and self.following:  # the first frame: what a late joiner sees
            self.call_after_refresh(self.stamps.write, "frame", seq=self.presenter_seq, state=self.state.to_json())

    # -- read-only -------------------------------------------------------------

    def validate_state(self, state: BoardState) -> BoardState:
        if self._applying or state == self.state:
            return state
        self.presenter_drives()
        return self.state

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        if isinstance(action, str) and default_namespace in (None, self):
            namespace, name, _ = parse(action)
            if namespace in ("", "app") and name in DRIVING:
                self.presenter_drives()
                return True
        return await super().run_action(action, default_namespace, namespaces)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action in DRIVING else super().check_action(action, parameters)  # greyed in the key bar

    def select_town(self, town_id: str) -> None:
        self.presenter_drives()

    def presenter_drives(self) -> None:
        now = time.monotonic()
        if now - self._noticed >= NOTICE_EVERY:
            self._noticed = now
            self.notify(PRESENTER_DRIVES, timeout=NOTICE_EVERY)

    def _live_text(self) -> str:
        return "FOLLOWING" if getattr(self, "connected", False) else "OFFLINE"

    # -- the room --------------------------------------------------------------

    async def _follow(self) -> None:
        async for event in self.link:
            if isinstance(event, Connected):
                await self._connected(event)
            elif isinstance(event, ScenarioReceived):
                await self._received(event)
            elif isinstance(event, StateReceived):
                self._presenter_state(event.state, event.seq)
            elif isinstance(event, Disconnected):
                self._gone(event)
            elif isinstance(event, Reconnecting):
                self._retrying(event)

    async def _connected(self, event: Connected) -> None:
        self.connected = True
        self._presenter_scenario = event.scenario_sha256
        self._update_live()
        if event.scenario == "incoming":
            self._say("Fetching the presenter's scenario...")
        elif self.following:
            self._say(None)
        else:
            self._say(_sentence(event.problem or "different scenario"))
        self._presenter_state(event.state, event.seq)

    async def _received(self, event: ScenarioReceived) -> None:
        try:
            timeline = await asyncio.to_thread(scenario_from_presenter, event.data)
        except (ScenarioError, UnicodeDecodeError) as exc:
            self._say(f"The presenter's scenario cannot be read by this board: {_first_problem(exc)}")
            return
        self.shown = event.sha256
        self._say(None)
        self._show(timeline)
        self.notify("Showing the presenter's scenario, sent by the presenter.", timeout=4)

    def _presenter_state(self, data: JSONObject, seq: int) -> None:
        try:
            self.presenter = BoardState.from_json(data)
        except ValueError as exc:
            self._say(f"The presenter sent a state this board cannot show: {exc}")
            return
        self.presenter_seq = seq
        self._show()

    def _show(self, timeline: Timeline | None = None) -> None:
        """Draw the presenter's latest state (in `timeline`, a scenario just received), if this board follows."""
        if self.presenter is None or not self.following:
            return
        state = self.presenter
        self._applying = True
        try:
            if timeline is not None:
                self.show_timeline(timeline, state)
            else:
                with self.arranged_once():
                    self.state = _held(state, self.timeline)
        finally:
            self._applying = False
        if self.stamps.on:
            self.call_after_refresh(self.stamps.write, "frame", seq=self.presenter_seq, state=self.state.to_json())

    def _gone(self, event: Disconnected) -> None:
        self.connected = False
        self._update_live()
        if event.final:
            self._say(f"Stopped following: {event.reason}")
        else:
            self._say(
                f"Presenter disconnected ({event.reason}). Showing the last picture; it picks up again when the"
                " presenter is back."
            )

    def _retrying(self, event: Reconnecting) -> None:
        if self.presenter is None and not self.connected:
            self._say(f"Waiting for the presenter at {self.link.address.place} ({event.reason}).")

    def _say(self, problem: str | None) -> None:
        if problem != self._problem:
            self._report(problem)
            self._stamp_status()

    def _stamp_status(self) -> None:
        self.stamps.write("status", text=self._problem, following=self.following)


def _held(state: BoardState, timeline: Timeline) -> BoardState:
    """The presenter's state within this scenario (the same as the presenter's, so this is only prudence)."""
    state = go_to(state, timeline, state.step)
    if state.selected is not None and state.selected not in timeline.scenario.town_index:
        state = select(state, None)
    return state


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _first_problem(exc: Exception) -> str:
    if isinstance(exc, ScenarioError) and exc.problems:
        return exc.problems[0].message
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
