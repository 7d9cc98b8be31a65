"""The bench's measure of a key: what the board did for it, from the key to its last frame, nothing else."""

from __future__ import annotations

from textual.pilot import Pilot

from sitboard.app.app import SitboardApp
from sitboard.app.launch import read
from sitboard.cli.bench_keys import FrameClock, board_key
from sitboard.timeline import Timeline
from tests.functional.conftest import BUNDLED, drive


def test_a_step_is_measured_to_its_frame_and_a_key_bound_to_nothing_draws_none() -> None:
    app = SitboardApp(Timeline(read(BUNDLED)))
    seen: dict[str, object] = {}

    async def body(pilot: Pilot) -> None:
        clock = FrameClock(app)
        frames = clock.frames
        seen["step"] = await board_key(app, clock, "right")
        seen["stepped to"] = app.state.step
        seen["frames of the step"] = clock.frames - frames
        frames = clock.frames
        seen["nothing"] = await board_key(app, clock, "f12")
        seen["frames of nothing"] = clock.frames - frames

    drive(app, body)
    assert seen["stepped to"] == 1  # the key went the way a terminal's goes, and was acted on
    assert isinstance(seen["frames of the step"], int) and seen["frames of the step"] >= 1
    assert isinstance(seen["step"], float) and seen["step"] > 0  # CPU up to that frame, not a bound on it
    assert seen["frames of nothing"] == 0 and seen["nothing"] == 0.0
