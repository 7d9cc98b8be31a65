"""How the side column's rows are shared out (`sitboard.panels.layout`): what matters first, by priority."""

from __future__ import annotations

from sitboard.panels import layout
from sitboard.panels.layout import CONTROL, DISPLACEMENT, EVENT, LEGEND, RULE, TOWNS, Need, arrange, frame

NEEDS = {
    EVENT: Need(want=30, must=10, tight=7),
    CONTROL: Need(4),
    DISPLACEMENT: Need(3),
    TOWNS: Need(8),
    LEGEND: Need(5),
}


def test_the_event_essentials_come_first_then_the_panels_by_priority():
    got = arrange(20, NEEDS)
    assert not got.tight
    assert got.lines(EVENT) == 10  # its essentials, in full
    assert got.lines(CONTROL) == 4  # then the control summary, all of it
    assert got.lines(DISPLACEMENT) == 1  # then what is left
    assert got.lines(TOWNS) == got.lines(LEGEND) == 0
    assert all(got.rows[p] >= RULE for p in NEEDS)  # every panel at least announced
    assert sum(got.rows.values()) == 20


def test_essentials_that_fit_only_tight_are_written_tight():
    got = arrange(13, NEEDS)
    assert got.tight and got.lines(EVENT) == 7  # 13 rows less 5 rules: the full 10 do not fit, the tight 7 do
    assert got.lines(CONTROL) == 1  # and the one row left goes to the control summary


def test_the_focused_panel_gets_what_it_needs_right_after_the_essentials():
    got = arrange(25, NEEDS, focused=TOWNS)
    assert got.lines(EVENT) >= 10 and got.lines(TOWNS) == 8


def test_with_room_to_spare_every_panel_gets_all_it_needs_and_the_event_the_rest():
    got = arrange(70, NEEDS)
    assert [got.lines(p) for p in (CONTROL, DISPLACEMENT, TOWNS, LEGEND)] == [4, 3, 8, 5]
    assert got.lines(EVENT) == 70 - 5 * RULE - 20


def test_two_columns_give_the_event_a_column_of_its_own():
    got = arrange(40, NEEDS, columns=2)
    assert got.lines(EVENT) == 40 - RULE
    assert sum(got.rows[p] for p in (CONTROL, DISPLACEMENT, TOWNS, LEGEND)) <= 40


def test_the_frame_leaves_the_map_its_share_and_fills_the_width():
    for width, height in [(80, 24), (120, 40), (160, 50), (200, 60), (250, 70)]:
        f = frame(width, height, 1.0)
        assert f.map_width >= layout.MIN_MAP and f.side >= layout.MIN_SIDE
        assert f.map_width + f.side == width
        assert all(c <= max(layout.ONE_COLUMN_MAX, layout.COLUMN_MAX) for c in f.columns)
    assert len(frame(250, 70, 1.0).columns) == 2 and len(frame(80, 24, 1.0).columns) == 1


def test_the_split_views_two_maps_get_equal_halves():
    for width in range(80, 251, 7):
        f = frame(width, 40, 0.9, halves=True)
        assert f.map_width % 2 == 0 and f.map_width + f.side == width, width
