"""Label placement: never overlapping, never off-grid, important names first."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitboard.geo import labels
from sitboard.geo.labels import (
    LabelLayout,
    LabelRequest,
    PlacedLabel,
    _add_halo,
    _blocked_grid,
    _free_spot,
    _halo,
    _keep_or_move,
    _place,
    _unambiguous,
    place_labels,
)
from sitboard.geo.text import cell_width


def req(key: str, col: int, row: int, text: str, priority: float = 1.0) -> LabelRequest:
    return LabelRequest(key=key, col=col, row=row, text=text, priority=priority)


def cells_of(label: PlacedLabel) -> set[tuple[int, int]]:
    return {(label.col + i, label.row) for i in range(cell_width(label.text))}


def test_prefers_the_right_of_the_glyph() -> None:
    assert place_labels([req("homs", 5, 3, "Homs")], 20, 6) == [PlacedLabel("homs", 7, 3, "Homs")]


def test_goes_left_when_the_right_edge_is_too_close() -> None:
    placed = place_labels([req("homs", 17, 3, "Homs")], 20, 6)
    assert placed == [PlacedLabel("homs", 12, 3, "Homs")]  # ends at col 15 = 17 - 2


def test_then_above_centred_then_below() -> None:
    # Both sides of the glyph are blocked: the label goes above, centred on it.
    blocked = [(c, 3) for c in range(20) if c != 10]
    assert place_labels([req("a", 10, 3, "Homs")], 20, 6, blocked) == [PlacedLabel("a", 9, 2, "Homs")]
    blocked += [(c, 2) for c in range(20)]
    assert place_labels([req("a", 10, 3, "Homs")], 20, 6, blocked) == [PlacedLabel("a", 9, 4, "Homs")]


def test_high_priority_wins_a_contested_spot() -> None:
    # One row, twelve columns: A can only go right (cells 2-5), B only left (cells 4-7).
    a_low, b_high = req("a", 0, 0, "AAAA", 1.0), req("b", 9, 0, "BBBB", 2.0)
    assert place_labels([a_low, b_high], 12, 1) == [PlacedLabel("b", 4, 0, "BBBB")]
    a_high, b_low = req("a", 0, 0, "AAAA", 2.0), req("b", 9, 0, "BBBB", 1.0)
    assert place_labels([b_low, a_high], 12, 1) == [PlacedLabel("a", 2, 0, "AAAA")]


def test_equal_priority_keeps_input_order() -> None:
    first, second = req("a", 0, 0, "AAAA"), req("b", 9, 0, "BBBB")
    assert [p.key for p in place_labels([first, second], 12, 1)] == ["a"]
    assert [p.key for p in place_labels([second, first], 12, 1)] == ["b"]


def test_dropped_towns_still_block_their_glyph_cell() -> None:
    # "x" has no room for its label, but its glyph at (9, 0) must stay visible.
    placed = place_labels([req("long", 0, 0, "Longname", 2.0), req("x", 9, 0, "", 1.0)], 12, 1)
    assert placed == [PlacedLabel("long", 2, 0, "Long…")]
    assert (9, 0) not in cells_of(placed[0])


def test_one_blank_cell_between_labels_on_a_row() -> None:
    placed = place_labels([req("a", 0, 0, "AAA", 2.0), req("b", 7, 0, "BB", 1.0)], 12, 1)
    # a takes cells 2-4; b's left spot (cells 4-5) overlaps it: b goes right.
    assert placed == [PlacedLabel("a", 2, 0, "AAA"), PlacedLabel("b", 9, 0, "BB")]
    placed = place_labels([req("a", 0, 0, "AAA", 2.0), req("b", 8, 0, "BB", 1.0)], 10, 1)
    assert [p.key for p in placed] == ["a"]  # b's only spot (cells 5-6) touches a's last cell
    placed = place_labels([req("a", 0, 0, "AAA", 2.0), req("b", 9, 0, "BB", 1.0)], 11, 1)
    assert placed[1] == PlacedLabel("b", 6, 0, "BB")  # one cell further: fine


def test_wide_text_is_measured_in_cells() -> None:
    placed = place_labels([req("bj", 0, 0, "北京市", 1.0)], 8, 1)
    assert placed == [PlacedLabel("bj", 2, 0, "北京市")]
    assert place_labels([req("bj", 0, 0, "北京市", 1.0)], 7, 1) == [PlacedLabel("bj", 2, 0, "北京…")]


def test_shortened_forms() -> None:
    placed = place_labels([req("dez", 0, 0, "Deir ez-Zor")], 8, 1)
    assert placed == [PlacedLabel("dez", 2, 0, "Deir…")]
    placed = place_labels([req("dez", 0, 0, "Deir ez-Zor")], 8, 1, ellipsis=".")
    assert placed == [PlacedLabel("dez", 2, 0, "Deir.")]
    assert place_labels([req("dez", 0, 0, "Deir ez-Zor")], 8, 1, shorten=False) == []
    assert place_labels([req("ar", 0, 0, "صمح ةنيدم")], 8, 1) == []  # visual-order RTL: dropped


def test_anchor_outside_the_grid_gets_no_label() -> None:
    assert place_labels([req("far", -3, 2, "Far")], 10, 5) == []
    assert place_labels([req("far", 4, 9, "Far")], 10, 5) == []


names = st.text(alphabet=st.sampled_from([*"abcXYZ -", "北", "京", "😀", "é", "ح"]), min_size=1, max_size=14)


@settings(max_examples=200, deadline=None)
@given(
    cols=st.integers(1, 40),
    rows=st.integers(1, 12),
    requests=st.lists(st.tuples(st.integers(-2, 42), st.integers(-2, 14), names, st.floats(0, 10)), max_size=40),
    blocked=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), max_size=20),
)
def test_random_requests_never_overlap_or_leave_the_grid(cols: int, rows: int, requests: list, blocked: list) -> None:
    reqs = [req(str(i), c, r, text, p) for i, (c, r, text, p) in enumerate(requests)]
    placed = place_labels(reqs, cols, rows, blocked)
    anchors = {(r.col, r.row) for r in reqs}
    taken: set[tuple[int, int]] = set()
    assert len({p.key for p in placed}) == len(placed)
    for label in placed:
        cells = cells_of(label)
        assert cells, label
        assert all(0 <= c < cols and 0 <= r < rows for c, r in cells)
        assert not cells & taken, "labels overlap"
        assert not cells & anchors, "label covers a town glyph"
        assert not cells & set(blocked), "label covers a blocked cell"
        taken |= cells
    by_row: dict[int, list[tuple[int, int]]] = {}
    for label in placed:
        by_row.setdefault(label.row, []).append((label.col, label.col + cell_width(label.text)))
    for spans in by_row.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end + 1, "labels on one row need a blank cell between them"


def check_layout(placed: list[PlacedLabel], reqs: list[LabelRequest], cols: int, rows: int, blocked: list) -> None:
    anchors = {(r.col, r.row) for r in reqs}
    taken: set[tuple[int, int]] = set()
    assert len({p.key for p in placed}) == len(placed)
    for label in placed:
        cells = cells_of(label)
        assert all(0 <= c < cols and 0 <= r < rows for c, r in cells)
        assert not cells & taken, "labels overlap"
        assert not cells & anchors, "label covers a town glyph"
        assert not cells & set(blocked), "label covers a blocked cell"
        gap = {(label.col - 1, label.row), (label.col + cell_width(label.text), label.row)}
        taken |= cells | gap  # one blank cell either side on the row


def over_from_scratch(base, first, rest, cols, rows, blocked=()):  # type: ignore[no-untyped-def]
    """What `LabelLayout.over` must give, with every anchor and index worked out again."""
    if cols < 1 or rows < 1:
        return []
    grid = _blocked_grid([*first, *rest], cols, rows, blocked)
    halo = _halo([*first, *rest], cols, rows)
    placed = _place(grid, halo, first, cols, rows, "…", True)
    taken = {p.key for p in placed} | {r.key for r in first}
    by_key = {r.key: r for r in rest}
    kept = [(label, cell_width(label.text)) for label in base if label.key not in taken and label.key in by_key]
    return _keep_or_move(grid, halo, bool(first), placed, kept, by_key, cols, rows, "…", True)


def test_placing_nothing_first_keeps_the_base_placement() -> None:
    reqs = [req("a", 2, 2, "Alpha", 3), req("b", 10, 2, "Beta", 2), req("c", 5, 5, "Gamma", 1)]
    layout = LabelLayout(reqs, 30, 8)
    assert layout.base == place_labels(reqs, 30, 8)
    assert layout.over([]) == layout.base


def test_a_hot_label_wins_and_the_one_it_displaces_moves() -> None:
    # In the base, "b" sits right of its glyph at (5, 2). Town "a" near the right
    # edge turns hot with a long name that only fits to its left, over b's label.
    reqs = [req("a", 25, 2, "A", 1), req("b", 3, 2, "Bee", 5)]
    layout = LabelLayout(reqs, 30, 8)
    assert {(p.key, p.col, p.row) for p in layout.base} >= {("b", 5, 2)}
    hot = req("a", 25, 2, "A much longer name", 100)
    placed = layout.over([hot])
    by_key = {p.key: p for p in placed}
    assert (by_key["a"].col, by_key["a"].row) == (6, 2)
    assert "b" in by_key and (by_key["b"].col, by_key["b"].row) != (5, 2)  # moved, not dropped
    check_layout(placed, [hot, reqs[1]], 30, 8, [])


@settings(max_examples=150, deadline=None)
@given(
    cols=st.integers(1, 40),
    rows=st.integers(1, 12),
    requests=st.lists(st.tuples(st.integers(-2, 42), st.integers(-2, 14), names, st.floats(0, 10)), max_size=30),
    hot=st.sets(st.integers(0, 29), max_size=5),
    blocked=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), max_size=10),
)
def test_incremental_placement_keeps_every_rule(cols: int, rows: int, requests: list, hot: set, blocked: list) -> None:
    reqs = [req(str(i), c, r, text, p) for i, (c, r, text, p) in enumerate(requests)]
    first = [req(r.key, r.col, r.row, r.text, r.priority + 20) for i, r in enumerate(reqs) if i in hot]
    rest = [r for i, r in enumerate(reqs) if i not in hot]
    placed = LabelLayout(reqs, cols, rows, blocked).over(first, blocked)
    check_layout(placed, reqs, cols, rows, blocked)
    # A hot label that fits on an empty board (apart from glyphs) is never lost to a base label.
    alone = {p.key for p in place_labels([*first, *(r._replace(text="") for r in rest)], cols, rows, blocked)}
    assert alone <= {p.key for p in placed}


@settings(max_examples=300, deadline=None)
@given(
    cols=st.integers(1, 30),
    rows=st.integers(1, 8),
    requests=st.lists(st.tuples(st.integers(-2, 32), st.integers(-2, 10), names, st.floats(0, 10)), max_size=30),
    hot=st.sets(st.integers(0, 29), max_size=5),
    extra=st.lists(st.tuples(st.integers(-2, 32), st.integers(-2, 10), names), max_size=6),
    blocked=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), max_size=10),
    later=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), max_size=10),
)
def test_a_label_layout_places_what_placing_from_scratch_does(
    cols: int, rows: int, requests: list, hot: set, extra: list, blocked: list, later: list
) -> None:
    # The board keeps one LabelLayout per view and calls `over` at each step;
    # that must be the same placement with everything recomputed. The step's
    # blocked cells may differ from the ones the base was placed with.
    reqs = [req(str(i), c, r, text, p) for i, (c, r, text, p) in enumerate(requests)]
    layout = LabelLayout(reqs, cols, rows, blocked)
    assert layout.base == place_labels(reqs, cols, rows, blocked)
    first = [req(f"flow:{i}", c, r, text, 50) for i, (c, r, text) in enumerate(extra)]
    first += [req(r.key, r.col, r.row, r.text, r.priority + 20) for i, r in enumerate(reqs) if i in hot]
    rest = [r for i, r in enumerate(reqs) if i not in hot]
    for step_blocked in (blocked, blocked + later):
        assert layout.over(first, step_blocked) == over_from_scratch(layout.base, first, rest, cols, rows, step_blocked)


def test_a_label_layout_keeps_labels_off_the_anchors_placed_first() -> None:
    # A flow size is anchored between two towns; no town's label may cover that cell.
    layout = LabelLayout([req("a", 0, 0, "Longname", 2.0)], 20, 1)
    assert layout.base == [PlacedLabel("a", 2, 0, "Longname")]
    size = req("flow:x:y", 9, 0, "", 50.0)  # nothing to show, but its cell is taken
    assert layout.over([size]) == over_from_scratch(layout.base, [size], [req("a", 0, 0, "Longname", 2.0)], 20, 1)
    assert layout.over([size]) == [PlacedLabel("a", 2, 0, "Long…")]


def test_a_label_never_reads_as_another_towns() -> None:
    # "Talbiseh ● Rastan": a's name right of its glyph would end two cells before b's glyph and read as b's.
    placed = place_labels([req("a", 0, 0, "Talbiseh", 2.0), req("b", 11, 0, "", 1.0)], 14, 1)
    assert placed == [PlacedLabel("a", 2, 0, "Talb…")]  # the shortened name ends far enough from b
    placed = place_labels([req("a", 0, 1, "Talbiseh", 2.0), req("b", 5, 0, "", 1.0)], 14, 2)
    assert placed == []  # every spot is near b (right, on the row below b's) or off the grid: dropped


@settings(max_examples=200, deadline=None)
@given(
    cols=st.integers(0, 30),
    rows=st.integers(0, 12),
    tokens=st.lists(
        st.tuples(st.integers(-3, 33), st.integers(-2, 14), st.integers(0, 4), st.integers(0, 4)), max_size=80
    ),
)
def test_the_halo_summed_row_by_row_is_the_halo_added_token_by_token(cols, rows, tokens):
    requests = [LabelRequest(f"t{i}", c, r, "Name", 1.0, left, right) for i, (c, r, left, right) in enumerate(tokens)]
    expected = bytearray(max(cols, 0) * max(rows, 0))
    for request in requests * 4:  # four times over: crowded cells saturate at 255 either way
        _add_halo(expected, cols, rows, request)
    assert _halo(requests * 4, cols, rows) == expected


def test_a_halo_saturates_as_the_halo_added_token_by_token_does():
    crowd = [LabelRequest(f"t{i}", 5, 2, "Name", 1.0) for i in range(300)]  # 300 towns in one cell
    expected = bytearray(10 * 5)
    for request in crowd:
        _add_halo(expected, 10, 5, request)
    assert max(expected) == 255 and _halo(crowd, 10, 5) == expected


def _spot_by_every_candidate(grid, halo, cols, rows, request, width):  # type: ignore[no-untyped-def]
    """The candidates of `_free_spot`, in its order, each looked at: what its shortcut must not change."""
    col, row = request.col, request.row
    first, last, centred = col - request.left, col + request.right, col - (width - 1) // 2
    for start, label_row in (
        (last + 2, row),
        (first - 1 - width, row),
        (centred, row - 1),
        (col, row - 1),
        (centred, row + 1),
        (col, row + 1),
        (last + 1, row - 1),
        (last + 1, row + 1),
        (first - width, row - 1),
        (first - width, row + 1),
    ):
        if width > 0 and 0 <= start <= cols - width and 0 <= label_row < rows:
            base = label_row * cols + start
            if grid.count(0, base, base + width) == width and _unambiguous(
                halo, cols, request, start, label_row, width
            ):
                return start, label_row
    return None


@settings(max_examples=400, deadline=None)
@given(
    cols=st.integers(1, 24),
    rows=st.integers(1, 6),
    cells=st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=144, max_size=144),
    where=st.tuples(st.integers(0, 23), st.integers(0, 5), st.integers(0, 3), st.integers(0, 3)),
    width=st.integers(1, 9),
)
def test_the_free_spot_is_the_first_candidate_that_fits(cols, rows, cells, where, width):
    col, row, left, right = where
    col, row = min(col, cols - 1), min(row, rows - 1)
    grid = bytearray(cells[: cols * rows])
    request = LabelRequest("t", col, row, "x" * width, 1.0, left, right)
    halo = _halo([request], cols, rows)
    assert _free_spot(grid, halo, cols, rows, request, width) == _spot_by_every_candidate(
        grid, halo, cols, rows, request, width
    )


@pytest.mark.parametrize("width", [1, 3, 6])
@pytest.mark.parametrize("left,right", [(0, 0), (1, 2)])
def test_each_candidate_alone_free_is_the_spot_found(width, left, right):
    cols, rows = 40, 5
    request = LabelRequest("t", 17, 2, "x" * width, 1.0, left, right)
    halo = _halo([request], cols, rows)
    col, first, last, centred = 17, 17 - left, 17 + right, 17 - (width - 1) // 2
    candidates = [
        (last + 2, 2),
        (first - 1 - width, 2),
        (centred, 1),
        (col, 1),
        (centred, 3),
        (col, 3),
        (last + 1, 1),
        (last + 1, 3),
        (first - width, 1),
        (first - width, 3),
    ]
    for start, row in candidates:
        grid = bytearray(b"\x01" * (cols * rows))
        grid[row * cols + start : row * cols + start + width] = bytes(width)  # only this candidate is free
        assert _free_spot(grid, halo, cols, rows, request, width) == (start, row)


def _place_one_by_one(grid, halo, requests, cols, rows, ellipsis, shorten):  # type: ignore[no-untyped-def]
    """`_place` as first written: every label, and its shorter form, looked for where it could be."""
    from sitboard.geo.labels import _PRIORITY, _occupy, _shortened

    placed = []
    for request in sorted(requests, key=_PRIORITY, reverse=True):
        if not (0 <= request.col < cols and 0 <= request.row < rows) or not request.text:
            continue
        text = request.text
        spot = _free_spot(grid, halo, cols, rows, request, cell_width(text))
        if spot is None and shorten:
            text = _shortened(text, ellipsis)
            spot = _free_spot(grid, halo, cols, rows, request, cell_width(text)) if text else None
        if spot is not None:
            _occupy(grid, cols, spot[0], spot[1], cell_width(text))
            placed.append(PlacedLabel(request.key, spot[0], spot[1], text))
    return placed


NAMES = [
    "A",
    "Ab",
    "Abc",
    "Homs",
    "Al Bab",
    "  Lead",
    "a   b c",
    "Dayr az-Zawr",
    "حمص",
    "東京都庁",
    "e\u0301tang",
    "~x",
    "-",
]


def tokens_on(cols: int, rows: int, sides: st.SearchStrategy[int], most: int) -> st.SearchStrategy[list[Any]]:
    """Up to `most` tokens (col, row, marks left, marks right, name), some just off a grid of `cols` x `rows`."""
    return st.lists(
        st.tuples(st.integers(-1, cols), st.integers(-1, rows), sides, sides, st.sampled_from(NAMES) | names),
        max_size=most,
    )


@settings(max_examples=800, deadline=None)
@given(
    cols=st.integers(1, 30),
    rows=st.integers(1, 5),
    tokens=tokens_on(30, 5, st.integers(0, 2), 40),
    blocked=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 5)), max_size=60),
    ellipsis=st.sampled_from(["…", "...", "~", ""]),
    shorten=st.booleans(),
    crowded_after=st.sampled_from([0, 1, 3, labels.CROWDED_AFTER]),
)
def test_labels_not_looked_for_on_a_crowded_map_are_those_that_would_not_fit(
    cols, rows, tokens, blocked, ellipsis, shorten, crowded_after
):
    """Where no two cells are free side by side, a label is not looked for: the same labels land where they did.

    Whenever the pass starts counting free cells (`CROWDED_AFTER` labels
    without a spot; from the start with 0).
    """
    requests = [
        LabelRequest(f"t{i}", col, row, name, float(i % 3), left, right)
        for i, (col, row, left, right, name) in enumerate(tokens)
    ]
    grid, halo = _blocked_grid(requests, cols, rows, blocked), _halo(requests[::3], cols, rows)
    expected = _place_one_by_one(grid[:], halo, requests, cols, rows, ellipsis, shorten)
    with _crowded_after(crowded_after):
        assert _place(grid[:], halo, requests, cols, rows, ellipsis, shorten) == expected


@contextmanager
def _crowded_after(failures: int) -> Iterator[None]:
    kept = labels.CROWDED_AFTER
    labels.CROWDED_AFTER = failures
    try:
        yield
    finally:
        labels.CROWDED_AFTER = kept


def test_a_shorter_form_of_one_cell_still_takes_the_one_free_cell_beside_its_town() -> None:
    """A name of four spaces and more is shortened to the ellipsis alone: one free cell is room enough for it."""
    town = req("t", 2, 0, "    ab")
    blocked = [(c, 0) for c in range(7) if c != 4]
    grid, halo = _blocked_grid([town], 7, 1, blocked), _halo([town], 7, 1)
    with _crowded_after(0):  # free cells counted from the start
        assert _place(grid, halo, [town], 7, 1, "…", True) == [PlacedLabel("t", 4, 0, "…")]


@settings(max_examples=600, deadline=None)
@given(
    cols=st.integers(1, 24),
    rows=st.integers(1, 6),
    tokens=tokens_on(24, 6, st.sampled_from([0, 0, 0, 1, 2]), 50),
    cells=st.integers(1, 40),  # fewer cells than towns: many share one, as on a map drawn as density
    blocked=st.lists(st.tuples(st.integers(0, 24), st.integers(0, 6)), max_size=20),
)
def test_towns_sharing_a_cell_with_another_token_are_not_looked_for_and_nothing_else_changes(
    cols, rows, tokens, cells, blocked
):
    # `_not_hopeless` leaves them out of the search: every position near their own token is near
    # the other one too. Placing every request, and only the others, must give the same labels.
    requests = [
        LabelRequest(f"t{i}", col % cells if cells < cols else col, row, name, float(i % 4), left, right)
        for i, (col, row, left, right, name) in enumerate(tokens)
    ]
    grid, halo = _blocked_grid(requests, cols, rows, blocked), _halo(requests, cols, rows)
    everyone = _place(grid[:], halo, requests, cols, rows, "…", True)
    assert _place(grid[:], halo, labels._not_hopeless(requests, cols, rows), cols, rows, "…", True) == everyone
    assert place_labels(requests, cols, rows, blocked) == everyone
    layout = LabelLayout(requests, cols, rows, blocked)
    assert layout.base == everyone


def test_on_a_crowded_map_only_towns_alone_in_their_cell_are_looked_for() -> None:
    alone, twin, other_twin = req("a", 2, 1, "Alone"), req("b", 6, 1, "Twin"), req("c", 6, 1, "Other")
    marked = LabelRequest("m", 9, 1, "Marked", 1.0, 1, 1)  # its marks cover cells 8 and 10
    beside, next_to = req("d", 10, 1, "Beside"), req("e", 11, 1, "Next")  # on a mark's cell; beside it
    assert labels._not_hopeless([alone, twin, other_twin, marked, beside, next_to], 30, 3) == [alone, marked, next_to]
    assert [p.key for p in place_labels([marked, next_to], 30, 3)] == ["m", "e"]  # and the one beside is placed
