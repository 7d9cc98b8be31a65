"""Canvases and grids: known dots, clipping, ASCII purity, wide-character alignment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitboard.geo.canvas import (
    AsciiCanvas,
    BrailleCanvas,
    arrow,
    blank_grid,
    clip_segment,
    grid_from_canvas,
    new_canvas,
    overlay,
    put,
    runs,
    text_cells,
)
from sitboard.geo.text import cell_width

REPO = Path(__file__).resolve().parents[2]


def text_rows(canvas: BrailleCanvas | AsciiCanvas) -> list[str]:
    return ["".join(text for text, _ in row) for row in canvas.rows_out()]


def row_width(cells: list[tuple[str, str | None]]) -> int:
    return cell_width("".join(char for char, _ in cells))


def test_core_modules_do_not_import_textual_or_rich() -> None:
    code = (
        "import sys\n"
        "import sitboard.geo.projection, sitboard.geo.canvas, sitboard.geo.labels\n"
        "import sitboard.geo.shading, sitboard.geo.text\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# -- clipping ----------------------------------------------------------------------


def test_clip_segment() -> None:
    assert clip_segment(-5.0, 1.0, 15.0, 1.0, 10, 4) == pytest.approx((0.0, 1.0, 10.0, 1.0))
    assert clip_segment(-5.0, -5.0, -1.0, 3.0, 10, 4) is None
    assert clip_segment(2.0, 2.0, 3.0, 3.0, 10, 4) == (2.0, 2.0, 3.0, 3.0)
    assert clip_segment(0.0, float("nan"), 3.0, 3.0, 10, 4) is None
    assert clip_segment(0.0, 0.0, float("inf"), 3.0, 10, 4) is None


# -- braille -------------------------------------------------------------------------


def test_single_dots_give_known_braille_characters() -> None:
    canvas = BrailleCanvas(2, 1)
    canvas.point(0.1, 0.1, "town")  # dot (0, 0)
    canvas.point(1.9, 0.9, "town")  # dot (3, 3) = second cell's (1, 3)
    assert text_rows(canvas) == ["\u2801\u2880"]  # ⠁ ⢀
    assert canvas.cells()[0][0] == ("⠁", "town")


def test_each_dot_position_has_its_braille_bit() -> None:
    expected = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (1, 0): 0x08,
                (1, 1): 0x10, (1, 2): 0x20, (0, 3): 0x40, (1, 3): 0x80}  # fmt: skip
    for (dx, dy), bit in expected.items():
        canvas = BrailleCanvas(1, 1)
        canvas.point((dx + 0.5) / 2, (dy + 0.5) / 4, "s")
        assert text_rows(canvas) == [chr(0x2800 + bit)]
    full = BrailleCanvas(1, 1)
    for dx, dy in expected:
        full.point((dx + 0.5) / 2, (dy + 0.5) / 4, "s")
    assert text_rows(full) == ["⣿"]


def test_horizontal_line_across_the_top_dot_row() -> None:
    canvas = BrailleCanvas(10, 2)
    canvas.line(0.0, 0.1, 10.0, 0.1, "road")
    assert canvas.rows_out() == [[("⠉" * 10, "road")], [(" " * 10, None)]]


def test_vertical_line_fills_the_left_dot_column() -> None:
    canvas = BrailleCanvas(3, 2)
    canvas.line(1.2, 0.0, 1.2, 2.0, "river")
    assert text_rows(canvas) == [" ⡇ ", " ⡇ "]


def test_line_far_outside_is_clipped() -> None:
    # (How long it takes, clipped rather than walked dot by dot, is `sitboard bench`'s far_lines figure.)
    canvas = BrailleCanvas(200, 60)
    canvas.line(-1e12, -3e11, 1e12, 3e11, "front")  # passes through the grid centre
    canvas.line(-1e12, -1e12, -1e11, 5e11, "front")  # never enters the grid
    canvas.polyline([(-1e9, 5.0), (1e9, 5.0), (1e9, 1e9)], "border")
    rows = text_rows(canvas)
    assert rows[30].strip() and rows[5].strip()
    assert all(len(row) == 200 for row in rows)


def test_non_finite_coordinates_draw_nothing() -> None:
    for canvas in (BrailleCanvas(5, 5), AsciiCanvas(5, 5)):
        canvas.line(float("nan"), 0.0, 3.0, 3.0, "x")
        canvas.polyline([(0.0, float("inf")), (2.0, 2.0)], "x")
        canvas.point(float("nan"), 1.0, "x")
        assert all(style is None for row in canvas.cells() for _, style in row)


def test_priority_beats_order_and_ties_go_to_the_latest() -> None:
    canvas = BrailleCanvas(4, 1, priority={"front": 3, "border": 2, "coast": 1})
    canvas.line(0.0, 0.1, 4.0, 0.1, "front")
    canvas.line(0.0, 0.6, 4.0, 0.6, "coast")
    assert [style for _, style in canvas.cells()[0]] == ["front"] * 4
    canvas.line(0.0, 0.9, 4.0, 0.9, "border")
    assert [style for _, style in canvas.cells()[0]] == ["front"] * 4
    plain = BrailleCanvas(1, 1)
    plain.point(0.1, 0.1, "road")
    plain.point(0.9, 0.9, "river")
    assert plain.cells()[0][0][1] == "river"


def test_polyline_and_copy_are_independent() -> None:
    base = BrailleCanvas(6, 3)
    base.polyline([(0.0, 0.0), (6.0, 3.0)], "coast")
    snapshot = text_rows(base)
    step = base.copy()
    step.point(5.5, 0.5, "town")
    assert text_rows(base) == snapshot
    assert text_rows(step) != snapshot


def test_rows_out_merges_equal_styles() -> None:
    canvas = BrailleCanvas(6, 1)
    canvas.line(0.0, 0.1, 1.99, 0.1, "a")
    canvas.line(2.0, 0.9, 3.99, 0.9, "b")
    out = canvas.rows_out()[0]
    assert [style for _, style in out] == ["a", "b", None]
    assert "".join(text for text, _ in out) == "⠉⠉⣀⣀  "


# -- ascii ----------------------------------------------------------------------------


def test_ascii_line_characters_follow_the_visible_slope() -> None:
    canvas = AsciiCanvas(9, 9)
    canvas.line(0.5, 0.5, 8.5, 0.5, "road")  # horizontal
    canvas.line(0.5, 1.5, 0.5, 8.5, "road")  # vertical
    canvas.line(2.5, 2.5, 6.5, 4.5, "road")  # 2 right per 1 down looks like 45 degrees
    canvas.line(2.5, 8.5, 6.5, 6.5, "road")  # rising to the right
    rows = text_rows(canvas)
    assert rows[0] == "-" * 9
    assert all(row[0] == "|" for row in rows[1:])
    assert rows[2][2] == "\\" and rows[4][6] == "\\"
    assert rows[8][2] == "/" and rows[6][6] == "/"


def test_ascii_crossing_and_points() -> None:
    canvas = AsciiCanvas(5, 5)
    canvas.line(0.5, 2.5, 4.5, 2.5, "road")
    canvas.line(2.5, 0.5, 2.5, 4.5, "river")
    canvas.point(0.5, 0.5, "town")
    rows = text_rows(canvas)
    assert rows[2] == "--+--"
    assert rows[0][0] == "."
    bend = AsciiCanvas(6, 6)
    bend.polyline([(0.5, 0.5), (4.5, 0.5), (4.5, 5.5)], "road")  # a polyline's own corner is no crossing
    assert text_rows(bend)[0] == "----| "


def test_ascii_polyline_follows_the_course_not_the_jitter() -> None:
    canvas = AsciiCanvas(20, 3)
    wiggle = [(i * 0.05, 1.5 + (0.2 if i % 2 else -0.2)) for i in range(400)]  # 20 cells east, zig-zagging
    canvas.polyline(wiggle, "river")
    assert text_rows(canvas)[1] == "-" * 20


def test_lines_on_the_far_edges_are_outside_the_half_open_grid() -> None:
    for canvas in (BrailleCanvas(4, 2), AsciiCanvas(4, 2)):
        canvas.line(4.0, 0.0, 4.0, 2.0, "x")
        canvas.line(0.0, 2.0, 4.0, 2.0, "x")
        assert all(style is None for row in canvas.cells() for _, style in row)


coordinate = st.floats(-1e6, 1e6) | st.sampled_from([float("nan"), float("inf"), -float("inf"), 0.0, 1e300])


@settings(max_examples=150, deadline=None)
@given(
    cols=st.integers(1, 30),
    rows=st.integers(1, 12),
    shapes=st.lists(st.tuples(st.integers(0, 3), coordinate, coordinate, coordinate, coordinate), max_size=8),
)
def test_ascii_canvas_never_emits_non_ascii(cols: int, rows: int, shapes: list) -> None:
    canvas = AsciiCanvas(cols, rows, priority={"front": 2})
    grid_shapes = []
    for kind, x0, y0, x1, y1 in shapes:
        if kind == 0:
            canvas.line(x0, y0, x1, y1, "front")
        elif kind == 1:
            canvas.point(x0, y0, "town")
        elif kind == 2:
            canvas.polyline([(x0, y0), (x1, y1), (x0, y1)], "road")
        else:
            arrow(canvas, x0, y0, x1, y1, "flow", ascii=True)
            grid_shapes.append((x0, y0, x1, y1))
    grid = grid_from_canvas(canvas)
    for x0, y0, x1, y1 in grid_shapes:
        arrow(grid, x1, y1, x0, y0, "flow", ascii=True)
    for text_row in text_rows(canvas) + ["".join(runs_text for runs_text, _ in runs(row)) for row in grid]:
        assert text_row.isascii()
        assert len(text_row) == cols
    assert len(canvas.rows_out()) == rows


@settings(max_examples=100, deadline=None)
@given(
    cols=st.integers(1, 30),
    rows=st.integers(1, 12),
    segments=st.lists(st.tuples(coordinate, coordinate, coordinate, coordinate), max_size=6),
)
def test_braille_canvas_stays_in_the_braille_block(cols: int, rows: int, segments: list) -> None:
    canvas = BrailleCanvas(cols, rows)
    for x0, y0, x1, y1 in segments:
        canvas.line(x0, y0, x1, y1, "coast")
        canvas.point(x1, y0, "coast")
    for text_row in text_rows(canvas):
        assert len(text_row) == cols
        assert all(ch == " " or 0x2800 < ord(ch) <= 0x28FF for ch in text_row)


# -- grids and overlays --------------------------------------------------------------------


def test_wide_characters_take_two_cells_and_rows_stay_aligned() -> None:
    grid = blank_grid(10, 2)
    written = overlay(grid, 2, 0, "北京x", "label")
    assert written == 5
    assert grid[0][2:7] == [("北", "label"), ("", "label"), ("京", "label"), ("", "label"), ("x", "label")]
    assert row_width(grid[0]) == 10
    overlay(grid, 8, 0, "東京", "label")  # the second character would cross the edge
    assert grid[0][8:] == [("東", "label"), ("", "label")]
    overlay(grid, 9, 1, "東", "label")  # cannot fit at all
    assert grid[1][9] == (" ", None)
    assert all(row_width(row) == 10 for row in grid)


def test_overwriting_half_a_wide_character_blanks_the_other_half() -> None:
    grid = blank_grid(6, 1)
    overlay(grid, 0, 0, "北京", "a")
    put(grid, 1, 0, "*", "town")  # second half of 北
    assert grid[0][:2] == [(" ", "a"), ("*", "town")]
    overlay(grid, 2, 0, "z", "b")  # first half of 京
    assert grid[0][2:4] == [("z", "b"), (" ", "a")]
    assert row_width(grid[0]) == 6


def test_overlay_clips_at_the_edges_and_keeps_combining_marks() -> None:
    grid = blank_grid(5, 1)
    assert overlay(grid, -2, 0, "abcdefg", "s") == 5
    assert "".join(char for char, _ in grid[0]) == "cdefg"
    assert overlay(grid, 0, 3, "zzz", "s") == 0  # row outside
    overlay(grid, 0, 0, "Ce\u0301s", "t")
    assert grid[0][1] == ("e\u0301", "t")
    assert row_width(grid[0]) == 5


mixed_text = st.text(
    alphabet=st.sampled_from([*"ab ", "北", "京", "😀", "\u0301", "ｱ", "ح", "é", "❤", "\ufe0f", "\u200d", "\x1b"]),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(
    cols=st.integers(1, 20),
    writes=st.lists(st.tuples(st.integers(-5, 25), st.integers(-1, 3), mixed_text), max_size=10),
)
def test_any_overlays_keep_every_row_exactly_cols_wide(cols: int, writes: list) -> None:
    grid = blank_grid(cols, 3)
    for col, row, text in writes:
        overlay(grid, col, row, text, "label")
        put(grid, col, row, "●", "town")
    for row in grid:
        assert len(row) == cols
        assert row_width(row) == cols
        assert sum(cell_width(char) for char, _ in row) == cols
        assert not any("\x1b" in char for char, _ in row)
        assert cell_width("".join(text for text, _ in runs(row))) == cols
        for index, (char, _) in enumerate(row):  # "" only ever follows a wide character
            if char == "":
                assert index > 0 and cell_width(row[index - 1][0]) == 2


def test_emoji_clusters_keep_their_terminal_width() -> None:
    grid = blank_grid(6, 1)
    overlay(grid, 0, 0, "❤\ufe0f👨\u200d👩\u200d👧x", "s")
    assert grid[0][:5] == [("❤\ufe0f", "s"), ("", "s"), ("👨\u200d👩\u200d👧", "s"), ("", "s"), ("x", "s")]
    assert row_width(grid[0]) == 6


def test_runs_merge_neighbours() -> None:
    row = [("a", "x"), ("b", "x"), ("北", None), ("", None), (" ", None), ("c", "x")]
    assert runs(row) == [("ab", "x"), ("北 ", None), ("c", "x")]


# -- arrows ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dx", "dy", "unicode_head", "ascii_head"),
    [
        (4, 0, "→", ">"),
        (-4, 0, "←", "<"),
        (0, -2, "↑", "^"),
        (0, 2, "↓", "v"),
        (4, -2, "↗", ">"),  # 4 right, 2 up is 45 degrees on screen (tall cells)
        (4, 2, "↘", ">"),
        (-4, 2, "↙", "<"),
        (-4, -2, "↖", "<"),
    ],
)
def test_arrow_heads_point_along_the_flow(dx: int, dy: int, unicode_head: str, ascii_head: str) -> None:
    for ascii, head in ((False, unicode_head), (True, ascii_head)):
        canvas = new_canvas(20, 10, ascii=ascii)
        x0, y0 = 10.5, 5.5
        cell = arrow(canvas, x0, y0, x0 + dx, y0 + dy, "flow", ascii=ascii)
        assert cell == (int(x0 + dx), int(y0 + dy))
        assert canvas.cells()[cell[1]][cell[0]] == (head, "flow")
        grid = blank_grid(20, 10)
        arrow(grid, x0, y0, x0 + dx, y0 + dy, "flow", ascii=ascii)
        assert grid[cell[1]][cell[0]] == (head, "flow")
        assert sum(style == "flow" for row in grid for _, style in row) >= 2  # a shaft too


def test_arrow_to_an_off_grid_destination_stops_at_the_edge() -> None:
    canvas = BrailleCanvas(20, 10)
    assert arrow(canvas, 5.5, 5.5, 100.0, 5.5, "flow", ascii=False) == (19, 5)
    assert canvas.cells()[5][19] == ("→", "flow")
    grid = blank_grid(20, 10)
    assert arrow(grid, 5.5, 5.5, 5.5, -50.0, "flow", ascii=True) == (5, 0)
    assert grid[0][5] == ("^", "flow")
    assert arrow(grid, -5.0, -5.0, -1.0, -9.0, "flow", ascii=True) is None  # never visible


@settings(max_examples=200, deadline=None)
@given(
    cols=st.integers(1, 24),
    col=st.integers(0, 23),
    text=mixed_text,
    below=st.lists(st.sampled_from([" ", "⠁", "●", "-", "→"]), min_size=24, max_size=24),
)
def test_text_cells_are_what_overlay_writes(cols: int, col: int, text: str, below: list) -> None:
    # The map writes its labels as cached cells instead of calling overlay: on a
    # row of single-width cells where the text fits, that must be the same write.
    row = [(char, "line") for char in below[:cols]]
    cells = text_cells(text, "label")
    assert len(cells) == cell_width(text)
    if col + len(cells) > cols:
        return
    expected = [list(row)]
    overlay(expected, col, 0, text, "label")
    written = list(row)
    written[col : col + len(cells)] = cells
    assert written == expected[0]


@settings(max_examples=150, deadline=None)
@given(
    cols=st.integers(1, 30),
    rows=st.integers(1, 8),
    segments=st.lists(
        st.tuples(
            st.floats(-5, 35),
            st.floats(-2, 10),
            st.floats(-5, 35),
            st.floats(-2, 10),
            st.sampled_from(["coast", "border", "front"]),
        ),
        max_size=12,
    ),
    glyphs=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 7), st.sampled_from("→↑x")), max_size=4),
)
def test_braille_cells_read_every_cell(cols: int, rows: int, segments: list, glyphs: list) -> None:
    # `cells` shares one EMPTY cell across the blank stretches of mostly blank
    # rows; that must read the same as taking every cell's dots and style in turn.
    canvas = BrailleCanvas(cols, rows, priority={"front": 2, "border": 1})
    for x0, y0, x1, y1, style in segments:
        canvas.line(x0, y0, x1, y1, style)
    for col, row, char in glyphs:
        canvas.glyph(col, row, char, "flow")
    bits, styles, marks = canvas._bits, canvas._styles, canvas._glyphs
    every = [(marks.get(i) or (chr(0x2800 + bits[i]) if bits[i] else " "), styles[i]) for i in range(cols * rows)]
    expected = [every[r * cols : (r + 1) * cols] for r in range(rows)]
    assert canvas.cells() == expected
    assert canvas.copy().cells() == expected
