"""Helpers for driving the board through Textual's Pilot.

No async test plugin is installed (the `test` extra has none), so each test is
a plain function that hands an async body to `drive`, which runs it with
`asyncio.run` inside `app.run_test`.

What is on screen is read from `App.export_screenshot()`, the public way to
get the composed screen: Rich writes every run of text as one SVG `<text>`
element, tagged with its line and placed at `column * 12.2` (font size 20 times
Rich's 0.61 aspect ratio), with spaces written as `&#160;`. Rebuilding the grid
from those elements gives the characters exactly as a terminal would show them.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot

from sitboard.app.launch import read
from sitboard.scenario.loader import parse_scenario
from sitboard.scenario.model import Scenario

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"

_SVG_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]*?-line-(\d+)\)">(.*?)</text>',
    re.S,
)
_CHAR_WIDTH = 12.2  # Rich's export_svg: 20px font, 0.61 aspect ratio


def drive(
    app: Any,
    body: Callable[[Pilot], Awaitable[None]],
    *,
    size: tuple[int, int] = (160, 50),
    message_hook: Callable[[Any], None] | None = None,
    notifications: bool = False,
    settle_first: bool = True,
) -> None:
    """Run `body(pilot)` against the app, headless, at `size`.

    `run_test` leaves notifications out unless asked (`notifications=True`).
    `settle_first` waits for the app to go idle before the body; a body that
    must see the very first moments (autoplay) turns it off.
    """

    async def main() -> None:
        async with app.run_test(size=size, message_hook=message_hook, notifications=notifications) as pilot:
            if settle_first:
                await pilot.pause()
            await body(pilot)

    asyncio.run(main())


def screen_lines(app: Any) -> list[str]:
    """The characters on screen, one string per row, from the SVG screenshot."""
    svg = app.export_screenshot()
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for x, line, raw in _SVG_TEXT.findall(svg):
        y = int(line)
        # Rich writes spaces as &#160;, everything else html-escaped: undo the
        # entity first so that a real NO-BREAK SPACE in the content stays visible.
        text = html.unescape(raw.replace("&#160;", " "))
        col = round(float(x) / _CHAR_WIDTH)
        for i, ch in enumerate(text):
            if 0 <= col + i < width and y < height:
                rows[y][col + i] = ch
    return ["".join(r) for r in rows]


def plain(value: Any) -> str:
    """Plain text of a Static's content, an option prompt, a Text or a Content."""
    if isinstance(value, Text):
        return value.plain
    text = getattr(value, "plain", None)
    return text if isinstance(text, str) else str(value)


def content_of(widget: Any) -> str:
    return plain(widget.content)


def non_ascii(lines: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Every non-ASCII character on screen with where it is (row, column)."""
    found: dict[str, list[tuple[int, int]]] = {}
    for y, line in enumerate(lines):
        for x, ch in enumerate(line):
            if ord(ch) > 127:
                found.setdefault(ch, []).append((y, x))
    return found


@pytest.fixture(scope="session")
def syria() -> Scenario:
    return read(BUNDLED)


def scenario_from(text: str, name: str = "inline.yaml") -> Scenario:
    from sitboard.app.colors import rich_color_ok

    return parse_scenario(text, name, color_ok=rich_color_ok)


# A small scenario with figures: one counted flow, one without a number, and a
# town that changes hands at step 1 while another changes at step 2; steps 3
# and 4 change nothing.
SMALL = """\
sitboard: 1
title: Small test scenario
subtitle: Two factions, four towns
summary: Before anything happens.
map:
  bounds: {west: 10.0, south: 10.0, east: 12.0, north: 12.0}
factions:
  - {id: red, name: Red side, mark: R}
  - {id: blue, name: Blue side, mark: B}
towns:
  - {id: north, name: Northtown, lat: 11.8, lon: 11.0, kind: city, control: red, population: 50000}
  - {id: south, name: Southtown, lat: 10.2, lon: 11.0, kind: town, control: red}
  - {id: west, name: Westville, lat: 11.0, lon: 10.2, kind: village, control: blue}
  - {id: east, name: Eastburg, lat: 11.0, lon: 11.8, kind: town, control: blue, population: 2000}
sources:
  - {id: wire, name: Wire service, kind: news agency}
events:
  - time: 2024-01-01
    title: Blue takes Northtown
    at: north
    control: {north: blue}
    flows:
      - {from: north, to: east, people: 12000}
    sources: [wire]
    confidence: reported
  - time: 2024-01-02
    title: Red takes Westville
    at: west
    control: {west: red}
    flows:
      - {from: west, to: south, estimate: many}
    sources: [wire]
    confidence: claimed
  - time: 2024-01-03
    title: A quiet day
    sources: [wire]
  - time: 2024-01-04
    title: Another quiet day
    sources: [wire]
"""


@pytest.fixture
def small() -> Scenario:
    return scenario_from(SMALL, "small.yaml")


class _Kit:
    """The helpers above, handed to tests as the `ui` fixture (tests do not import conftest)."""

    drive = staticmethod(drive)
    screen_lines = staticmethod(screen_lines)
    plain = staticmethod(plain)
    content_of = staticmethod(content_of)
    non_ascii = staticmethod(non_ascii)
    scenario_from = staticmethod(scenario_from)


@pytest.fixture
def ui() -> _Kit:
    return _Kit()


# -- files a command is given (the tests of diff, narrate, record and the HTML replay) --------


@pytest.fixture
def files(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Scenario files in a temporary directory; after the test, a check that none of them changed."""
    from tests.functional.test_cli import Files

    f = Files(tmp_path)
    yield f
    f.unchanged()  # nothing the user wrote is modified


@pytest.fixture
def bundled_copy(files: Any) -> Path:
    from tests.functional.test_cli import BUNDLED

    path: Path = files.add("central_syria.yaml", BUNDLED.read_bytes())
    return path
