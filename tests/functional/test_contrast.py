"""Contrast measured on the exported SVG, as a room's projector shows it (WCAG 2 relative luminance).

Every character drawn (text, faction badges and glyphs, the map's lines and
flows, the key bar, rules) against the colour behind it: every theme AA
(4.5:1), `sitboard-high-contrast` AAA (7:1), at the steps where the board
looks most different (the start, a middle step, the end) and two sizes.
The ratios are computed here from the picture, not taken from the code that
chose the colours (`sitboard.app.contrast`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from sitboard.app.app import SitboardApp
from sitboard.app.launch import read
from sitboard.app.themes import HIGH_CONTRAST_NAME, THEMES
from sitboard.exports import ExportOptions, exporter
from sitboard.state import BoardState
from sitboard.timeline import Timeline

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"
CHAR_WIDTH, LINE_HEIGHT, TOP = 12.2, 24.4, 1.5  # Rich's export_svg grid
_FILL = re.compile(r"\.(terminal-\d+-r\d+) \{ fill: (#[0-9a-fA-F]{6})")
_RECT = re.compile(
    r'<rect fill="(#[0-9a-fA-F]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" shape-rendering'
)
_TEXT = re.compile(
    r'<text class="([\w-]+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]*?-line-(\d+)\)">(.*?)</text>',
    re.S,
)


def luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def cells(svg: str) -> list[tuple[int, int, str, str, str]]:
    """(row, column, character, its colour, the colour behind it) for every visible character."""
    fills = dict(_FILL.findall(svg))
    behind: dict[tuple[int, int], str] = {}
    for fill, x, y, width in _RECT.findall(svg):
        row, first = round((float(y) - TOP) / LINE_HEIGHT), round(float(x) / CHAR_WIDTH)
        for column in range(first, first + round(float(width) / CHAR_WIDTH)):
            behind[(row, column)] = fill
    out = []
    for cls, x, line, raw in _TEXT.findall(svg):
        text = html.unescape(raw.replace("&#160;", " "))
        first = round(float(x) / CHAR_WIDTH)
        for i, ch in enumerate(text):
            back = behind.get((int(line), first + i))
            if not ch.isspace() and cls in fills and back is not None:
                out.append((int(line), first + i, ch, fills[cls], back))
    return out


def low_cells(picture: bytes, need: float) -> list[tuple[str, str, str, float]]:
    """(characters, colour, colour behind, ratio) of every pair below `need`: one entry per pair."""
    low: dict[tuple[str, str], set[str]] = {}
    for _, _, ch, fg, bg in cells(picture.decode("utf-8")):
        if ratio(fg, bg) < need:
            low.setdefault((fg, bg), set()).add(ch)
    return sorted(("".join(sorted(chars)), fg, bg, round(ratio(fg, bg), 2)) for (fg, bg), chars in low.items())


@pytest.fixture(scope="module")
def timeline():
    return Timeline(read(BUNDLED))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", [(120, 40), (160, 50)], ids=["120x40", "160x50"])
def test_every_character_meets_wcag_in_every_theme(timeline, theme, size):
    need = 7.0 if theme == HIGH_CONTRAST_NAME else 4.5
    svg = exporter("svg")
    for step in (0, 5, timeline.steps):
        picture = svg(timeline, BoardState(step=step), ExportOptions(size=size, theme=theme))
        assert len(cells(picture.decode("utf-8"))) > size[0] * 4, "few characters found: the SVG's form changed"
        low = low_cells(picture, need)
        assert not low, f"{theme} {size[0]}x{size[1]} step {step}: below {need}:1 (chars, fg, bg, ratio): {low}"


@pytest.mark.parametrize("theme", THEMES)
def test_the_map_with_areas_shaded_meets_wcag(timeline, theme):
    """Towns, flows and fronts drawn over their holders' tint (and over land that changed hands at this step)."""
    need = 7.0 if theme == HIGH_CONTRAST_NAME else 4.5
    svg = exporter("svg")
    for step in (0, 5, 8):
        picture = svg(timeline, BoardState(step=step, areas=True), ExportOptions(size=(120, 40), theme=theme))
        low = low_cells(picture, need)
        assert not low, f"{theme} areas step {step}: below {need}:1 (chars, fg, bg, ratio): {low}"


@pytest.mark.parametrize("theme", THEMES)
def test_the_split_views_edges_and_captions_meet_wcag(timeline, theme):
    need = 7.0 if theme == HIGH_CONTRAST_NAME else 4.5
    state = BoardState(step=timeline.steps, compare=0)
    picture = exporter("svg")(timeline, state, ExportOptions(size=(120, 40), theme=theme))
    assert "then:" in picture.decode("utf-8"), "not the split view"
    assert not low_cells(picture, need), f"{theme}: below {need}:1: {low_cells(picture, need)}"


@pytest.mark.parametrize("theme", THEMES)
def test_the_ascii_board_meets_wcag_too(timeline, theme):
    """`--ascii` draws other rules, marks and map glyphs, in the same colours."""
    need = 7.0 if theme == HIGH_CONTRAST_NAME else 4.5
    svg = exporter("svg")
    for step in (0, 5, timeline.steps):
        picture = svg(timeline, BoardState(step=step), ExportOptions(size=(120, 40), theme=theme, ascii_only=True))
        drawn = cells(picture.decode("utf-8"))
        assert sum(ch in "-|" for *_, ch, _, _ in drawn) > 20, "no ASCII rules found: the picture's layout changed"
        low = low_cells(picture, need)
        assert not low, f"{theme} --ascii step {step}: below {need}:1 (chars, fg, bg, ratio): {low}"


def test_a_theme_chosen_on_the_board_redraws_every_panel_in_its_colours(timeline, ui):
    """`t` cycles themes on a running board: each panel's faction colours are that theme's, not the last one's."""
    app = SitboardApp(timeline, BoardState(step=5))

    async def body(pilot):
        for theme in (*THEMES[1:], THEMES[0]):
            await pilot.press("t")
            await pilot.pause()
            assert app.theme == theme
            need = 7.0 if theme == HIGH_CONTRAST_NAME else 4.5
            low = low_cells(app.export_screenshot().encode("utf-8"), need)
            assert not low, f"after switching to {theme}: below {need}:1 (chars, fg, bg, ratio): {low}"

    ui.drive(app, body, size=(120, 40))
