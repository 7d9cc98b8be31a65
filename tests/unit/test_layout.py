"""How the side column's rows are shared out (`sitboard.panels.layout`): what matters first, by priority."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

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


# -- a step keeps the column as it is while it still shows what matters (layout.settled) ------------

LONG_LIST = {EVENT: Need(want=9, must=6), CONTROL: Need(4), DISPLACEMENT: Need(7), TOWNS: Need(400), LEGEND: Need(5)}


def test_a_panel_whose_text_got_shorter_keeps_its_rows_and_the_column_does_not_move():
    before = arrange(50, LONG_LIST, text_first=12)
    shorter = {**LONG_LIST, DISPLACEMENT: Need(5)}
    fresh = arrange(50, shorter, text_first=12)
    assert fresh.lines(TOWNS) > before.lines(TOWNS)  # fresh, the town list would take the rows given up
    assert layout.settled(before, fresh, shorter) is before  # kept: the table shows its 5 lines, 2 blank under them


def test_a_panel_that_needs_more_gets_the_fresh_arrangement_at_once():
    before = arrange(50, LONG_LIST, text_first=12)
    longer = {**LONG_LIST, DISPLACEMENT: Need(9)}
    fresh = arrange(50, longer, text_first=12)
    got = layout.settled(before, fresh, longer)
    assert got is not before and got.lines(DISPLACEMENT) >= 9
    assert fresh.lines(DISPLACEMENT) == 9


def test_a_cut_panel_never_keeps_more_rows_than_its_priority_gives_it():
    # as at start-up: the legend was given rows while the town list had no text yet
    before = arrange(30, {**LONG_LIST, TOWNS: Need(0)})
    assert before.lines(LEGEND) > 0
    fresh = arrange(30, LONG_LIST)
    assert fresh.lines(LEGEND) == 0
    assert layout.settled(before, fresh, LONG_LIST) is fresh


def test_the_event_essentials_always_fit_and_their_writing_never_changes_silently():
    before = arrange(50, LONG_LIST, text_first=12)
    more_essential = {**LONG_LIST, EVENT: Need(want=14, must=14)}
    assert layout.settled(before, arrange(50, more_essential, text_first=12), more_essential).lines(EVENT) >= 14
    tight_now = arrange(13, {**LONG_LIST, EVENT: Need(want=10, must=10, tight=6)})
    assert tight_now.tight
    assert layout.settled(arrange(13, LONG_LIST), tight_now, LONG_LIST) is tight_now


@settings(max_examples=300, deadline=None)
@given(
    rows=st.integers(6, 80),
    columns=st.sampled_from([1, 2]),
    needs=st.lists(
        st.fixed_dictionaries(
            {p: st.integers(0, 60) for p in (CONTROL, DISPLACEMENT, TOWNS, LEGEND)}
            | {"event": st.integers(0, 30), "must": st.integers(0, 12)}
        ),
        min_size=2,
        max_size=8,
    ),
)
def test_whatever_the_steps_every_panel_shows_what_a_fresh_column_shows_unless_cut_in_both(rows, columns, needs):
    kept = None
    for n in needs:
        want = {p: Need(n[p]) for p in (CONTROL, DISPLACEMENT, TOWNS, LEGEND)}
        want[EVENT] = Need(want=max(n["event"], n["must"]), must=n["must"])
        fresh = arrange(rows, want, columns=columns, text_first=rows // 4)
        got = layout.settled(kept, fresh, want)
        assert got.tight == fresh.tight and {p for p, r in got.rows.items() if r} == {
            p for p, r in fresh.rows.items() if r
        }
        for panel, need in want.items():
            shown, shown_fresh = min(need.want, got.lines(panel)), min(need.want, fresh.lines(panel))
            cut_in_both = need.want > got.lines(panel) and need.want > fresh.lines(panel)
            assert shown >= shown_fresh or cut_in_both, (panel, got, fresh)
            assert got.lines(panel) <= fresh.lines(panel) or need.want <= fresh.lines(panel), (panel, got, fresh)
        assert got.lines(EVENT) >= layout.tight_must(want[EVENT], got) or fresh.lines(EVENT) < want[EVENT].must
        blank = sum(max(0, got.lines(p) - fresh.lines(p)) for p in want)
        assert blank <= layout.KEPT_BLANK + sum(got.spare.values())
        assert all(0 < s <= layout.HEADROOM for s in got.spare.values())
        if got is not kept:  # headroom is given only below a text shown whole
            assert all(want[panel].want <= got.lines(panel) - spare for panel, spare in got.spare.items())
        kept = got


def test_a_panel_that_got_much_shorter_gives_its_rows_back():
    before = arrange(50, LONG_LIST, text_first=12)
    much_shorter = {**LONG_LIST, DISPLACEMENT: Need(7 - layout.KEPT_BLANK - 1)}
    fresh = arrange(50, much_shorter, text_first=12)
    assert layout.settled(before, fresh, much_shorter) is fresh


# -- panels that grow are given headroom, from rows that show nothing else ---------------------------


def test_a_panel_that_grew_gets_headroom_from_a_list_cut_anyway_and_its_next_lines_move_nothing():
    before = arrange(50, LONG_LIST, text_first=12)
    longer = {**LONG_LIST, DISPLACEMENT: Need(9)}
    got = layout.settled(before, arrange(50, longer, text_first=12), longer)
    assert got.lines(DISPLACEMENT) == 9 + layout.HEADROOM and got.spare == {DISPLACEMENT: layout.HEADROOM}
    assert got.lines(TOWNS) == before.lines(TOWNS) - 2 - layout.HEADROOM  # the cut list gave them
    assert [got.lines(p) for p in (EVENT, CONTROL, LEGEND)] == [before.lines(p) for p in (EVENT, CONTROL, LEGEND)]
    for more in range(1, layout.HEADROOM + 1):  # the next lines it gains fit in the headroom: the column stays
        grown = {**LONG_LIST, DISPLACEMENT: Need(9 + more)}
        assert layout.settled(got, arrange(50, grown, text_first=12), grown) is got
    beyond = {**LONG_LIST, DISPLACEMENT: Need(9 + layout.HEADROOM + 1)}
    again = layout.settled(got, arrange(50, beyond, text_first=12), beyond)
    assert again is not got and again.lines(DISPLACEMENT) >= 9 + layout.HEADROOM + 1


def test_headroom_comes_from_the_events_blank_rows_when_nothing_is_cut():
    short = {EVENT: Need(want=9, must=6), CONTROL: Need(4), DISPLACEMENT: Need(3), TOWNS: Need(8), LEGEND: Need(5)}
    before = arrange(50, short, text_first=12)
    assert before.lines(EVENT) > 9  # the event takes what is left, blank below its text
    longer = {**short, DISPLACEMENT: Need(5)}
    got = layout.settled(before, arrange(50, longer, text_first=12), longer)
    assert got.lines(DISPLACEMENT) == 5 + layout.HEADROOM
    assert got.lines(EVENT) >= 9 + layout.HEADROOM and sum(got.rows.values()) == 50  # it keeps headroom of its own
    snug = arrange(36, short, text_first=12)
    assert 9 < snug.lines(EVENT) <= 9 + layout.HEADROOM  # blank rows, but no more than its own headroom: none given
    assert layout.settled(snug, arrange(36, longer, text_first=12), longer).spare == {}
    assert [got.lines(p) for p in (CONTROL, TOWNS, LEGEND)] == [4, 8, 5]


def test_no_headroom_is_taken_from_a_small_column_or_a_text_shown_whole():
    small = {EVENT: Need(want=9, must=6), CONTROL: Need(4), DISPLACEMENT: Need(3), TOWNS: Need(400), LEGEND: Need(5)}
    before = arrange(24, small, text_first=6)
    longer = {**small, DISPLACEMENT: Need(4)}
    fresh = arrange(24, longer, text_first=6)
    assert fresh.lines(TOWNS) <= layout.DONOR_KEEPS  # the cut list has no lines to spare here
    assert layout.settled(before, fresh, longer) == fresh


@settings(max_examples=200, deadline=None)
@given(rows=st.integers(20, 80), grow=st.lists(st.integers(0, 2), min_size=8, max_size=30))
def test_a_tally_growing_a_line_at_a_time_moves_the_column_less_often_than_it_grows(rows, grow):
    want, kept, moves, growths = 3, None, 0, 0
    for g in grow:
        want += g
        growths += bool(g)
        needs = {**LONG_LIST, DISPLACEMENT: Need(want)}
        got = layout.settled(kept, arrange(rows, needs, text_first=rows // 4), needs)
        moves += kept is not None and got is not kept
        kept = got
    if growths >= 4 and arrange(rows, {**LONG_LIST, DISPLACEMENT: Need(want)}).lines(TOWNS) > 2 * layout.DONOR_KEEPS:
        assert moves < growths
