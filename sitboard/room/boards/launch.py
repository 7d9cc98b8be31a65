"""Opening the presenter console and a follower board the command line's way.

Each runs the board and its end of the room on one event loop (`run_async`
inside `asyncio.run`), so the room answers between frames and a state goes
out as the key that made it is handled. What cannot work is found out before
the board takes the terminal, and raised as a sentence: the room's port
(`RoomError`), the address, a wrong token, a scenario the follower cannot have
(`CannotFollow`).

The room names a scenario by the sha256 of its text without notes, on both
sides (`sitboard.scenario.notes`); that text is also what `--send-scenario`
sends, so a follower never receives a note.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import Any, Literal

from sitboard.app.colors import rich_color_ok
from sitboard.room.boards.audience import FollowerBoard, scenario_from_presenter
from sitboard.room.boards.console import PresenterConsole, RoomLog
from sitboard.room.follower import Connected, Disconnected, Follower, Reconnecting, ScenarioReceived, StateReceived
from sitboard.room.presenter import Presenter
from sitboard.room.token_store import room_token
from sitboard.room.wire import digest
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import read_scenario_text
from sitboard.scenario.model import Scenario
from sitboard.scenario.notes import shareable, without_notes
from sitboard.state import BoardState, resolve_step
from sitboard.timeline import Timeline

DEFAULT_PORT = 7477
Announce = Callable[[str], None]


class CannotFollow(Exception):
    """The follower cannot show this briefing as asked; the message is a sentence for the user."""


def room_name(text: str) -> str:
    """What the room calls a scenario: the sha256 of its text without notes (see `sitboard.scenario.notes`)."""
    return digest(without_notes(text).encode("utf-8"))


def room_copy(text: str, scenario: Scenario, *, send_scenario: bool) -> str:
    """The scenario as the room holds it: its text without notes, checked to read the same when it is sent.

    NotesStuck if it is to be sent and the notes cannot be cut out cleanly.
    """
    return shareable(text, scenario, color_ok=rich_color_ok) if send_scenario else without_notes(text)


# -- the presenter ---------------------------------------------------------------------


def present(
    file: str,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    send_scenario: bool = False,
    new_token: bool = False,
    step: int | Literal["end"] = 0,
    announce: Announce,
    **options: Any,
) -> int:
    """Hold a briefing room for `file` until the briefer quits; the board's exit code.

    Raises ScenarioError (a bad file), StepOutOfRange, NotesStuck (the file
    cannot be sent without its notes) and RoomError (the port), all before
    anything is drawn.
    """
    scenario, text, remember = read_scenario_text(file, color_ok=rich_color_ok, cache=True)
    if remember is not None:
        remember()
    timeline = Timeline(scenario)
    start = BoardState(step=resolve_step(step, timeline.steps))
    copy = room_copy(text, scenario, send_scenario=send_scenario)
    token = room_token(port, renew=new_token)
    return asyncio.run(
        _present(timeline, start, copy, token.value, token.note, host, port, send_scenario, announce, options)
    )


async def _present(
    timeline: Timeline,
    start: BoardState,
    copy: str,
    token: str,
    note: str | None,
    host: str,
    port: int,
    send_scenario: bool,
    announce: Announce,
    options: dict[str, Any],
) -> int:
    room = Presenter(
        copy.encode("utf-8"),
        title=timeline.scenario.title,
        state=start.to_json(),
        token=token,
        send_scenario=send_scenario,
    )
    address = await room.start(host, port)
    try:
        where = "this machine only" if host in ("127.0.0.1", "::1", "localhost") else "not encrypted"
        sent = "the scenario is sent to followers who lack it" if send_scenario else "followers need the same file"
        announce(f"sitboard present: room open on {address.place} ({where}; {sent}).")
        announce(f"Followers join with: sitboard follow {address}" + ("" if send_scenario else " FILE"))
        if note:
            announce(f"sitboard present: {note}")
        # One board in this process, as `sitboard FILE`'s: it schedules the garbage collector and draws the
        # map's context layers after its first frame (`sitboard.app.launch.open_board`).
        app = PresenterConsole(timeline, start, room=room, address=address, owns_gc=True, defer_context=True, **options)
        logger = logging.getLogger("sitboard.room")
        handler = RoomLog(app)
        level, propagate = logger.level, logger.propagate
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the terminal is the board's while it runs
        try:
            await app.run_async()
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate
        return app.return_code or 0
    finally:
        await room.close()


# -- a follower ----------------------------------------------------------------------------


def follow(address: str, file: str | None = None, *, announce: Announce, **options: Any) -> int:
    """Follow the presenter at `address` until quit; the board's exit code.

    With `file`, the board shows it at once and follows when the presenter
    shows the same scenario; without, it waits for the presenter to send its
    own. Raises AddressError, ScenarioError and CannotFollow before anything
    is drawn.
    """
    from sitboard.room.address import parse_address

    join = parse_address(address)
    timeline: Timeline | None = None
    shown: str | None = None
    if file is not None:
        scenario, text, remember = read_scenario_text(file, color_ok=rich_color_ok, cache=True)
        if remember is not None:
            remember()
        timeline, shown = Timeline(scenario), room_name(text)
    return asyncio.run(_follow(Follower(join, scenario_sha256=shown, want_scenario=True), timeline, announce, options))


async def _follow(link: Follower, timeline: Timeline | None, announce: Announce, options: dict[str, Any]) -> int:
    link.start()
    try:
        joined, status, timeline = await until_drawable(link, timeline, announce)
        app = follower_board(timeline, link, joined, status, **options)
        await app.run_async()
        return app.return_code or 0
    finally:
        await link.close()


def follower_board(
    timeline: Timeline, link: Follower, joined: Connected | None, status: str | None, **options: Any
) -> FollowerBoard:
    """The board of a follower process: the only board in it, so it owns the garbage collector.

    Without, the scenario, Textual and everything drawn stayed in the
    collector's walks, and a full collection (about 30 ms at the bundled
    board) fell inside a state every 30 or so; owned, the heap built for the
    first frame is frozen and the rest collected while the presenter pauses
    (`sitboard.app.collector`), as on the board of `sitboard FILE`.
    """
    return FollowerBoard(
        timeline,
        link=link,
        shown=link.scenario_sha256,
        joined=joined,
        status=status,
        owns_gc=True,
        defer_context=True,
        **options,
    )


async def until_drawable(
    link: Follower, timeline: Timeline | None, announce: Announce
) -> tuple[Connected | None, str | None, Timeline]:
    """Wait until there is something to draw: (the welcome, what the bar should say, the timeline)."""
    joined: Connected | None = None
    waiting_said = False
    async for event in link:
        if isinstance(event, Connected):
            joined = event
            if event.scenario == "incoming":
                continue  # the scenario comes next
            if timeline is not None:
                return joined, event.problem, timeline
            raise CannotFollow(
                f"{event.problem}: give the scenario file too (sitboard follow ADDRESS FILE),"
                " or ask the presenter for --send-scenario"
            )
        if isinstance(event, ScenarioReceived):
            try:
                received = await asyncio.to_thread(scenario_from_presenter, event.data)
            except (ScenarioError, UnicodeDecodeError) as exc:
                raise CannotFollow(
                    f"the presenter's scenario cannot be read by this version of sitboard: {exc}"
                ) from None
            return joined, None, received
        if isinstance(event, StateReceived) and joined is not None:
            joined = dataclasses.replace(joined, state=event.state, seq=event.seq)
        elif isinstance(event, Disconnected) and event.final:
            raise CannotFollow(event.reason)
        elif isinstance(event, Reconnecting):
            waiting = f"waiting for the presenter at {link.address.place} ({event.reason})"
            if timeline is not None:
                return None, f"{waiting[:1].upper()}{waiting[1:]}.", timeline
            if not waiting_said:
                announce(f"sitboard follow: {waiting}; Ctrl+C stops.")
                waiting_said = True
    raise CannotFollow("the follower stopped before the presenter answered")
