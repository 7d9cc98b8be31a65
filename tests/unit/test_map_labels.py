"""Labels that never lie: on the map as drawn, each label is next to its own glyph or arrow, and next to no other town."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitboard.geo.canvas import Cell, arrow
from sitboard.geo.labels import NEAR_ACROSS, NEAR_ON_ROW
from sitboard.geo.scene import MapScene
from sitboard.geo.text import cell_width
from sitboard.scenario.loader import load_scenario
from sitboard.timeline import Timeline

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BUNDLED = SCENARIOS / "central_syria.yaml"
GEZIRA = SCENARIOS / "gezira_2023.yaml"  # Arabic names, every control state (marks beside glyphs)
SIZES = ((80, 24), (120, 40), (160, 50), (250, 70))


def near(cell: tuple[int, int], col: int, row: int, width: int) -> bool:
    """Whether a glyph at `cell` reads as belonging to a label at (col, row): the labels module's rule."""
    c, r = cell
    reach = NEAR_ON_ROW if r == row else NEAR_ACROSS if abs(r - row) == 1 else -1
    return reach >= 0 and col - reach <= c <= col + width - 1 + reach


def arrow_cells(frame, scenario, origin: str, destination: str, ascii_only: bool) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    a, b = scenario.town(origin), scenario.town(destination)
    (x0, y0), (x1, y1) = frame.projection.project(a.lat, a.lon), frame.projection.project(b.lat, b.lon)
    blank: list[list[Cell]] = [[(" ", None)] * len(frame.grid[0]) for _ in frame.grid]
    arrow(blank, x0, y0, x1, y1, "flow", ascii_only)
    return {(c, r) for r, line in enumerate(blank) for c, (ch, _) in enumerate(line) if ch != " "}


def placed_cells(frame) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """The cells under labels (a dot under a label is not a dot)."""
    return {(label.col + i, label.row) for label in frame.labels for i in range(cell_width(label.text))}


@pytest.mark.parametrize("path", [BUNDLED, GEZIRA], ids=["syria", "gezira"])
@pytest.mark.parametrize("ascii_only", [False, True])
@pytest.mark.parametrize(("cols", "rows"), SIZES)
def test_every_label_is_next_to_its_own_glyph_or_arrow_and_no_other_town(
    cols: int, rows: int, ascii_only: bool, path: Path
) -> None:
    scenario = load_scenario(path)
    timeline, scene = Timeline(scenario), MapScene(scenario, ascii_only=ascii_only)
    flows_labelled = 0
    for step in range(timeline.steps + 1):
        frame = scene.draw(timeline.state_at(step), scene.home, cols, rows, areas=True)
        glyphs = frame.town_cells  # cell -> the town drawn there
        for label in frame.labels:
            width = cell_width(label.text)
            others = [town for cell, town in glyphs.items() if near(cell, label.col, label.row, width)]
            if label.key.startswith("flow:"):
                _, origin, destinations = label.key.split(":")  # a shared figure: "to+to"
                line = set().union(
                    *(arrow_cells(frame, scenario, origin, d, ascii_only) for d in destinations.split("+"))
                )
                touching = {(c, r) for c in range(label.col - 1, label.col + width + 1) for r in (label.row,)}
                assert touching & line, f"step {step}: {label} is not on its arrow"
                assert not others, f"step {step}: {label} reads as belonging to {others}"
                flows_labelled += 1
            elif label.key.startswith("place:"):  # a populated place: next to its dot, near no town
                dots = [
                    (c, r) for r, line in enumerate(frame.grid) for c, (_, st) in enumerate(line) if st == "ctx-place"
                ]
                dots = [d for d in dots if near(d, label.col, label.row, width) and d not in placed_cells(frame)]
                assert dots, f"step {step}: {label} has no dot beside it"
                assert not others, f"step {step}: {label} reads as belonging to {others}"
            elif ":" in label.key and label.key.split(":")[0] in ("country", "sea", "lake", "river"):
                assert not others, f"step {step}: {label} reads as belonging to {others}"
            else:
                own = frame.projection.cell(scenario.town(label.key).lat, scenario.town(label.key).lon)
                assert own is not None
                token = [own] + [  # the glyph and the marks of a control state beside it
                    (c, own[1])
                    for c in (own[0] - 1, own[0] + 1)
                    if 0 <= c < cols and (frame.grid[own[1]][c][1] or "").startswith("mark:")
                ]
                assert any(near(cell, label.col, label.row, width) for cell in token), (
                    f"step {step}: {label} is far from {own}"
                )
                assert set(others) <= {label.key} | {t for c, t in glyphs.items() if c == own}, (
                    f"step {step}: {label} is near {others}"
                )
    assert flows_labelled, "the scenario's flows with a size show it"
