"""The briefing room end to end, on loopback with real sockets: a presenter console and its followers.

The presenter console and two follower boards (terminals of different sizes)
run under Pilot in this process, each with its own end of the room; a browser
tab is a real websocket client of `sitboard serve --follow ADDRESS` (a board
process per tab, as in a browser), whose board reports what it drew through
`$SITBOARD_ROOM_STAMPS`. After every key the briefer presses, each follower's
state (`BoardState.to_json`, what `export json` writes of a board) must be
the presenter's, and no follower's screen may hold a word of the speaker
notes. Waits are for a condition, with a generous bound; no duration is asserted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from conftest import screen_lines
from extended_scenario import EXTENDED, NOTE
from serving import free_port, start_server

from sitboard.panels.narration import narration
from sitboard.room.address import JoinAddress
from sitboard.room.boards.audience import FollowerBoard
from sitboard.room.boards.console import PresenterConsole
from sitboard.room.boards.launch import room_copy, room_name
from sitboard.room.boards.stamps import VARIABLE
from sitboard.room.follower import Follower
from sitboard.room.presenter import Presenter
from sitboard.scenario.loader import parse_scenario
from sitboard.state import BoardState
from sitboard.timeline import Timeline

WAIT = 20.0  # seconds: the bound on any wait for the room (a loaded machine), never a figure
OTHER = EXTENDED.replace("title: Extensions at work", "title: Another briefing").replace("Homs falls", "Hama holds")
NAME = room_name(EXTENDED)


def timeline_of(text: str = EXTENDED) -> Timeline:
    return Timeline(parse_scenario(text, "extended.yaml"))


def presenter_room(token: str | None = None, *, send_scenario: bool = False) -> Presenter:
    copy = room_copy(EXTENDED, timeline_of().scenario, send_scenario=send_scenario).encode("utf-8")
    return Presenter(
        copy, title="Extensions at work", state=BoardState().to_json(), token=token, send_scenario=send_scenario
    )


def follower(address: JoinAddress | str, text: str | None = EXTENDED) -> FollowerBoard:
    shown = room_name(text) if text is not None else None
    link = Follower(address, scenario_sha256=shown, want_scenario=True, first_delay=0.05, longest_delay=0.2)
    return FollowerBoard(timeline_of(text or EXTENDED), link=link, shown=shown)


async def until(check: Callable[[], bool], what: Callable[[], str]) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"not within {WAIT} s: {what()}")
        await asyncio.sleep(0.02)


def stamped_state(stamps: Path) -> dict[str, Any] | None:
    """The state the browser tab's board drew last (its process is not this one)."""
    last = None
    if stamps.exists():
        for line in stamps.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["event"] == "frame" and entry["pid"] != os.getpid():
                last = entry["state"]
    return last


@contextlib.asynccontextmanager
async def browser_tab(address: JoinAddress, file: Path, tmp_path: Path) -> AsyncIterator[list[str]]:
    """`sitboard serve FILE --follow ADDRESS` and one tab of it, read for as long as it is open."""
    port = free_port()
    command = [sys.executable, "-m", "sitboard", "serve", str(file), "--port", str(port), "--follow", str(address)]
    served = await asyncio.to_thread(start_server, command, tmp_path, port=port)
    stream: list[str] = []
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{served.base}/ws?width=100&height=32", max_msg_size=0) as ws,
        ):
            await ws.send_str(json.dumps(["resize", {"width": 100, "height": 32}]))

            async def read() -> None:
                async for msg in ws:
                    if msg.type == aiohttp.WSMsgType.BINARY:
                        stream.append(msg.data.decode("utf-8", "replace"))

            reader = asyncio.create_task(read())
            try:
                yield stream
            finally:
                reader.cancel()
    finally:
        await asyncio.to_thread(served.stop)


def test_three_followers_mirror_every_key_of_the_presenter(tmp_path, monkeypatch):
    stamps = tmp_path / "stamps.jsonl"
    monkeypatch.setenv(VARIABLE, str(stamps))
    file = tmp_path / "extended.yaml"
    file.write_text(EXTENDED, encoding="utf-8")

    async def main() -> None:
        room = presenter_room()
        address = await room.start("127.0.0.1", 0)
        console = PresenterConsole(timeline_of(), room=room, address=address)
        small, large = follower(address), follower(address, EXTENDED.replace(NOTE, "other notes"))
        try:
            async with (
                console.run_test(size=(140, 45)) as pilot,
                small.run_test(size=(90, 30)),
                large.run_test(size=(200, 60)),
                browser_tab(address, file, tmp_path) as tab,
            ):
                boards = {"small terminal": small, "large terminal": large}

                def states() -> dict[str, Any]:
                    seen = {name: board.state.to_json() for name, board in boards.items()}
                    return {**seen, "browser tab": stamped_state(stamps)}

                def mirrored() -> bool:
                    return all(state == console.state.to_json() for state in states().values())

                async def press(*keys: str) -> None:
                    await pilot.press(*keys)
                    await pilot.pause()
                    await until(mirrored, lambda: f"presenter {console.state.to_json()}, followers {states()}")
                    for name, board in boards.items():
                        assert not any(NOTE in line for line in screen_lines(board)), name
                    assert NOTE not in "".join(tab)

                await until(lambda: console.followers == 3, lambda: f"{console.followers} followers")
                await press()
                assert small.size != large.size  # one state, drawn at each screen's own size
                views = set()
                for keys in [
                    ("right",),
                    ("right",),
                    ("plus",),
                    ("a",),
                    ("right",),
                    ("left",),
                    ("end",),
                    ("home",),
                    ("g", "2", "enter"),
                    ("shift+right",),
                    ("minus",),
                    ("c", "1", "enter"),  # the split view: the map at step 1 beside this one
                    ("right",),
                    ("c",),
                    ("right",),
                ]:
                    await press(*keys)
                    views.add((console.state.center, console.state.zoom))
                assert (
                    console.state.step == 3 and console.state.compare is None and len(views) >= 4
                )  # steps, jumps, cameras and zooms all travelled
                console.select_town("hama")  # a click on the map, or the palette's town list
                await press("escape")  # the briefer closes the town's history; the selection stays
                assert console.state.selected == "hama"
                assert any(NOTE in line for line in screen_lines(console))  # the briefer does see the notes
                await pilot.press("g", "1", "enter")
                await pilot.pause()
                assert any(NOTE in line for line in screen_lines(console))
        finally:
            await room.close()
            await small.link.close()
            await large.link.close()

    asyncio.run(main())


def status(board: FollowerBoard) -> str:
    return board._problem or ""


def test_a_late_joiner_shows_the_current_step_and_followers_live_through_a_presenter_restart(tmp_path):
    async def main() -> None:
        room = presenter_room()
        address = await room.start("127.0.0.1", 0)
        console = PresenterConsole(timeline_of(), room=room, address=address)
        early = follower(address)
        async with early.run_test(size=(100, 30)) as early_pilot:
            async with console.run_test(size=(140, 45)) as pilot:
                await pilot.press("right", "right", "plus")
                await pilot.pause()
                late = follower(address)
                async with late.run_test(size=(80, 24)):
                    await until(lambda: late.state == console.state, lambda: f"{late.state} != {console.state}")
                    await until(lambda: early.state == console.state, lambda: f"{early.state} != {console.state}")
                    assert status(late) == ""
                    await late.link.close()
                shown = console.state
            await room.close("the presenter closed the room")
            await until(lambda: "Presenter disconnected" in status(early), lambda: status(early))
            assert early.state == shown  # the last picture stays
            await early_pilot.pause()
            assert any("Presenter disconnected" in line for line in screen_lines(early))
            assert early.live == "OFFLINE"

            again = presenter_room(token=address.token)
            await again.start("127.0.0.1", address.port)
            back = PresenterConsole(timeline_of(), BoardState(step=1), room=again, address=address)
            try:
                async with back.run_test(size=(140, 45)) as pilot:
                    await until(lambda: early.state == back.state, lambda: f"{early.state} != {back.state}")
                    assert status(early) == "" and early.live == "FOLLOWING"
                    await pilot.press("end")
                    await pilot.pause()
                    await until(lambda: early.state == back.state, lambda: f"{early.state} != {back.state}")
            finally:
                await again.close()
                await early.link.close()

    asyncio.run(main())


def test_a_wrong_token_and_another_scenario_are_said_plainly(tmp_path):
    async def main() -> None:
        room = presenter_room()
        address = await room.start("127.0.0.1", 0)
        try:
            wrong = follower(address._replace(token="x" * 22))
            other = follower(address, OTHER)
            async with wrong.run_test(size=(100, 30)), other.run_test(size=(100, 30)):
                await until(lambda: "wrong token" in status(wrong), lambda: status(wrong))
                assert status(wrong).startswith("Stopped following: the presenter refused")
                assert address.token not in status(wrong)
                await until(lambda: "different scenario" in status(other).lower(), lambda: status(other))
                room.publish(BoardState(step=2).to_json())
                await asyncio.sleep(0.3)
                assert other.state.step == 0  # not the presenter's steps over another scenario
                assert room.followers == 1
            await wrong.link.close()
            await other.link.close()
        finally:
            await room.close()

    asyncio.run(main())


def test_a_follower_without_the_file_is_sent_the_scenario_without_its_notes():
    async def main() -> None:
        room = presenter_room(send_scenario=True)
        address = await room.start("127.0.0.1", 0)
        room.publish(BoardState(step=2).to_json())
        remote = follower(address, None)
        remote.shown = None
        try:
            async with remote.run_test(size=(120, 40)) as pilot:
                await until(lambda: remote.state.step == 2, lambda: f"{remote.state} {status(remote)}")
                assert remote.timeline.scenario.title == "Extensions at work"
                assert all(not event.notes for event in remote.timeline.scenario.events)
                for step in range(4):
                    room.publish(BoardState(step=step).to_json())
                    await until(lambda s=step: remote.state.step == s, lambda: str(remote.state))  # type: ignore[misc]
                    await pilot.pause()
                    assert not any(NOTE in line for line in screen_lines(remote))
        finally:
            await room.close()
            await remote.link.close()

    asyncio.run(main())


def test_stepping_keys_on_a_follower_say_the_presenter_drives_and_help_and_quit_still_work():
    async def main() -> None:
        room = presenter_room()
        address = await room.start("127.0.0.1", 0)
        board = follower(address)
        try:
            async with board.run_test(size=(120, 40), notifications=True) as pilot:
                await until(lambda: board.following, lambda: status(board))
                for key in ("right", "end", "plus", "a", "g"):
                    await pilot.press(key)
                    await pilot.pause()
                    assert board.state == BoardState() and len(board.screen_stack) == 1, key
                said = [n.message for n in board._notifications]
                assert said == [
                    "The presenter drives this board: steps and the map follow theirs (r reads the step aloud, ? help, q quit)."
                ]
                # A follower may ask for the presenter's step as one sentence (issue 20).
                room.publish(BoardState(step=2).to_json())
                await until(lambda: board.state.step == 2, lambda: str(board.state))
                await pilot.press("r")
                await pilot.pause()
                assert [n.message for n in board._notifications][-1] == narration(board.timeline.state_at(2))
                assert board.state.step == 2
                await pilot.press("question_mark")
                await pilot.pause()
                assert len(board.screen_stack) == 2  # help opens
                await pilot.press("escape", "q")
                await pilot.pause()
            assert board.return_code == 0
        finally:
            await room.close()
            await board.link.close()

    asyncio.run(main())


def test_nothing_on_the_wire_holds_a_note_at_any_step():
    """Every byte a presenter console sends a follower that asked for the scenario, through every step."""

    async def main() -> None:
        room = presenter_room(send_scenario=True)
        address = await room.start("127.0.0.1", 0)
        console = PresenterConsole(timeline_of(), room=room, address=address)
        reader, writer = await asyncio.open_connection(address.host, address.port, limit=2**24)
        join = {"type": "join", "protocol": 1, "token": address.token, "scenario_sha256": None,
                "want_scenario": True, "heartbeat": 2.0}  # fmt: skip
        writer.write(json.dumps(join).encode() + b"\n")
        received = bytearray()
        try:
            async with console.run_test(size=(140, 45)) as pilot:
                for key in ("right", "right", "right", "home", "end", "g", "1", "enter", "plus", "a"):
                    await pilot.press(key)
                    await pilot.pause()
                await until(lambda: room.followers == 1, lambda: "the raw follower never joined")
                await asyncio.sleep(0.2)
                while True:
                    try:
                        received += await asyncio.wait_for(reader.read(2**20), 0.5)
                    except TimeoutError:
                        break
        finally:
            writer.close()
            await room.close()
        lines = [json.loads(line) for line in received.splitlines()]
        assert [m["type"] for m in lines[:2]] == ["welcome", "scenario"]
        assert "Fighting north of Homs" in lines[1]["text"]  # the scenario did come ...
        assert {m["state"]["step"] for m in lines if m["type"] == "state"} >= {0, 1, 2, 3}
        assert NOTE.encode() not in received  # ... and no note with it, nor with any state

    asyncio.run(main())
