"""How the board shares the terminal out: sizes in, rows and columns out, as pure functions.

A briefer must see, at any size from 80x24 up and at every step, without
scrolling, what the current event is and who says so: its time, title,
confidence word, place, every source, and every change of hands in full.
Everything else gets what is left, in this order of priority (the README
names it too):

1. the event's essentials (above; source kinds only where they fit),
2. the event's text, a first share of it,
3. the control summary (towns held per faction),
4. displacement,
5. the town list,
6. the legend,
7. the rest of the event's text.

Panels grow and shrink with their content: each gets at most what it needs
(after a step, a panel whose text got shorter keeps its rows as long as
nothing that matters is short of one, and a panel that grew gets a little
headroom from rows that show nothing else: see `settled`), and whatever is cut
says so (the panel's title rule says how many lines
and which key shows them: Tab gives the panel the keyboard, and the
focused panel comes second, right after the event's essentials).

Widths do not depend on content, so a step never moves the side column:
the map gets the width its scenario's proportions fill at its height, and
the side column the rest, in two columns of text when one would be wider
than a line should be. Heights change only when a panel needs more, or
when another's rows are needed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

MIN_WIDTH, MIN_HEIGHT = 60, 16  # below this the board asks for a larger terminal
MAX_WIDTH, MAX_HEIGHT = 1000, 500  # the largest terminal a picture may be drawn for

HEADER_ROWS, SHORT_HEADER_ROWS = 4, 2  # the date in large digits needs the taller one
SHORT_BELOW = 32  # terminals with fewer rows than this get the short header
BOTTOM_ROWS = 3  # the timeline strip (ticks, dates) and the key bar

RULE = 1  # a panel's title rule, one row (its title, and what is cut)
PADDING = 2  # columns around a panel's text (one each side)
EDGE = 1  # the line between the map and the side column

MAP_MARGIN = 6  # columns the map keeps beyond its scenario's width, for labels that stick out
MIN_MAP = 24  # the map never gets fewer columns than this
MIN_SIDE = 40  # nor the side column
ONE_COLUMN_MAX = 100  # wider than this, a line of text is hard to follow: two columns
TWO_COLUMNS_FROM = 110  # a side column this wide holds two columns of text
COLUMN_MAX = 90  # each of the two
EVENT_SHARE = 0.55  # of two columns, the event's

# The side panels, by priority (see above); the event also owns rules 2 and 7.
EVENT, CONTROL, DISPLACEMENT, TOWNS, LEGEND = "event", "control", "displacement", "towns", "legend"
PRIORITY = (EVENT, CONTROL, DISPLACEMENT, TOWNS, LEGEND)
ORDER = (EVENT, CONTROL, TOWNS, DISPLACEMENT, LEGEND)  # top to bottom on screen


class Frame(NamedTuple):
    """The board's frame at one terminal size: rows of the bars, columns of the map and the side."""

    header: int  # rows at the top (presentation mode's headline sizes itself: 0 here)
    bottom: int  # rows at the bottom: the timeline strip and the key bar
    rows: int  # rows between them: the map's height, and the side column's
    side: int  # columns of the side column, its edge included (0 in presentation mode)
    columns: tuple[int, ...]  # the side's columns, left to right (one or two), each panel's padding included
    map_width: int  # columns of the map

    def text_width(self, panel: str) -> int:
        """Columns a panel's text is wrapped to: its column less the padding."""
        column = self.columns[column_of(panel, len(self.columns))] if self.columns else 0
        return max(0, column - PADDING)


def frame(width: int, height: int, map_aspect: float, *, present: bool = False, halves: bool = False) -> Frame:
    """Where the bars, the map and the side column go on a `width` x `height` terminal.

    `map_aspect` is how many columns the scenario's home view fills per row
    of map (`map_aspect` in this module): the map is given what it fills at
    its height, plus a margin; the side column takes the rest, at least
    `MIN_SIDE`, at most two columns of `COLUMN_MAX`; the map at least `MIN_MAP`.
    With `halves` (the split view's two maps) the map's width is even.
    """
    width, height = max(0, width), max(0, height)
    header = 0 if present else (HEADER_ROWS if height >= SHORT_BELOW else SHORT_HEADER_ROWS)
    rows = max(0, height - header - BOTTOM_ROWS)
    if present:
        return Frame(header, BOTTOM_ROWS, rows, 0, (), width)
    wanted_map = math.ceil(rows * max(0.0, map_aspect)) + MAP_MARGIN if math.isfinite(map_aspect) else MIN_MAP
    side = max(MIN_SIDE, width - max(MIN_MAP, wanted_map))
    side = min(side, max(0, width - MIN_MAP))
    text = side - EDGE
    if text >= TWO_COLUMNS_FROM:
        text = min(text, 2 * COLUMN_MAX)
        first = round(text * EVENT_SHARE)
        columns: tuple[int, ...] = (first, text - first)
    else:
        text = min(text, ONE_COLUMN_MAX)
        columns = (max(0, text),)
    side = sum(columns) + EDGE
    if halves and (width - side) % 2 and width - side > MIN_MAP:  # the split view's two maps: equal halves
        columns = (*columns[:-1], columns[-1] + 1)
        side += 1
    return Frame(header, BOTTOM_ROWS, rows, side, columns, width - side)


def column_of(panel: str, columns: int) -> int:
    """Which of the side's columns a panel is in: with two, the event has the first to itself."""
    return 1 if columns == 2 and panel != EVENT else 0


def map_aspect(west: float, south: float, east: float, north: float, cell_aspect: float = 2.0) -> float:
    """Columns per row that a view of these bounds fills, as the map projects it (cos(latitude), tall cells)."""
    middle = math.radians((south + north) / 2)
    shrink = max(math.cos(middle), 1e-3)
    return (east - west) * shrink * cell_aspect / max(north - south, 1e-9)


class Need(NamedTuple):
    """What a panel's text needs at its width, in lines."""

    want: int  # every line
    must: int = 0  # the first lines, which must be seen without scrolling
    tight: int | None = None  # `must` written tighter (the event without its sources' kinds), when given


_NO_SPARE: Mapping[str, int] = MappingProxyType({})


class Arrangement(NamedTuple):
    """Rows given to each side panel (its title rule included; 0: not shown) and how the event is written."""

    rows: Mapping[str, int]
    tight: bool  # the event's essentials are written tighter (sources without their kinds) to fit
    spare: Mapping[str, int] = _NO_SPARE  # blank lines given beyond a growing panel's text, in `rows` (`settled`)
    columns: int = 1  # columns of text the rows are shared in (`arrange`)

    def lines(self, panel: str) -> int:
        """Lines of text the panel shows (its rows less the title rule)."""
        return max(0, self.rows.get(panel, 0) - RULE)


def arrange(
    rows: int, needs: Mapping[str, Need], *, columns: int = 1, focused: str | None = None, text_first: int = 0
) -> Arrangement:
    """Rows for each panel of `needs` (names from `PRIORITY`) in a side column of `rows` rows.

    With two columns the event has the first to itself and the others share
    the second. Within a column, rows go in rounds, by priority: a title rule
    for every panel while rows last; the event's essentials (written tight
    if only that fits); the focused panel, all it needs; `text_first` lines
    of the event's text; each other panel, all it needs, in priority order;
    then the event takes what is left (the rest of its text, and blank rows
    below it), so a step that changes only the event's length moves nothing.
    """
    given: dict[str, int] = {}
    tight = False
    for group in _groups(columns):
        panels = [p for p in group if p in needs]
        left = max(0, rows)
        for panel in panels:
            given[panel] = RULE if left >= RULE else 0
            left -= given[panel]
        wants = {p: needs[p].want for p in panels if given[p]}
        event = needs.get(EVENT)
        if EVENT in wants and event is not None:
            must = event.must
            if event.tight is not None and event.must > left >= event.tight:
                tight, must = True, event.tight
                wants[EVENT] -= event.must - event.tight
            rounds: tuple[tuple[str | None, int | None], ...] = (
                (EVENT, must),
                (focused, None),
                (EVENT, must + max(0, text_first)),
            )
            for who, lines in rounds:
                if who is not None and who in wants:
                    left = _give(given, wants, who, left, lines)
        elif focused is not None and focused in wants:
            left = _give(given, wants, focused, left, None)
        for panel in wants:
            if panel != EVENT:
                left = _give(given, wants, panel, left, None)
        if EVENT in wants:
            given[EVENT] += left  # the rest of the event's text, and the blank rows under it
    return Arrangement(given, tight, columns=columns)


KEPT_BLANK = 3  # rows a step may leave blank in the side column rather than move its panels (see `settled`)
HEADROOM = 4  # blank lines a panel that grew is given beyond its text, when they can be spared (see `settled`)
DONOR_KEEPS = 8  # lines a list cut anyway keeps when it gives others headroom


def settled(previous: Arrangement | None, fresh: Arrangement, needs: Mapping[str, Need]) -> Arrangement:
    """`previous` (the column as it is) if it shows every panel as much of what it needs as `fresh` would, else `fresh`.

    A change of layout redraws the whole side column and most of the screen
    (at 200x60 a step that changes it costs two and a half times one that
    does not), and a column whose panels move at every step is hard to read
    across a room. So a panel whose text got shorter keeps its rows (blank
    below its text) and the column stays as it is, while:

    - the same panels are shown, and the event is written the same way;
    - no panel would show more of its text in `fresh`, but for one cut in
      both (a list longer than the column), which shows fewer of its lines
      and says how many more there are, as it does anyway;
    - a panel has more rows than in `fresh` only where its text has ended
      (blank rows, not rows its priority would not give it);
    - the event's essentials fit;
    - at most `KEPT_BLANK` rows are kept blank, beyond the headroom below: a
      panel that got much shorter gives its rows back, to the lists that
      show more with them.

    A panel that needs more gets the fresh arrangement at once: nothing that
    matters waits for a row. Panels grow a line or two at a time as a
    briefing goes on (a tally gains a place, events run longer and shorter),
    so the panels that grew are also given headroom there (`with_headroom`):
    up to `HEADROOM` blank lines beyond their text, taken only from rows that
    show nothing else (the event's blank rows) or from a list cut anyway,
    which keeps at least `DONOR_KEEPS` lines. The next few lines they gain
    then move nothing.
    """
    if previous is None or previous.tight != fresh.tight:
        return fresh
    if {p for p, r in previous.rows.items() if r} != {p for p, r in fresh.rows.items() if r}:
        return fresh
    if _keeps(previous, fresh, needs):
        return previous
    grown = {p for p, need in needs.items() if need.want > previous.lines(p) or previous.spare.get(p, 0)}
    return with_headroom(fresh, needs, grown)


def _keeps(previous: Arrangement, fresh: Arrangement, needs: Mapping[str, Need]) -> bool:
    """Whether `previous` still shows what matters (the rules of `settled`)."""
    blank = sum(max(0, previous.lines(p) - fresh.lines(p) - previous.spare.get(p, 0)) for p in needs)
    if blank > KEPT_BLANK:
        return False
    for panel, need in needs.items():
        before, now = previous.lines(panel), fresh.lines(panel)
        if tight_must(need, fresh) > before:
            return False
        if before > now and need.want > now:
            return False  # rows it would not have, not all blank: taken from a panel before it
        if before < now and before < need.want <= now:
            return False  # it would be shown whole, and is cut now
    return True


def with_headroom(fresh: Arrangement, needs: Mapping[str, Need], grown: set[str]) -> Arrangement:
    """`fresh`, with up to `HEADROOM` blank lines more for each panel of `grown` that it shows whole.

    Within each column of text, the lines come first from the event's blank
    rows (the event takes what is left, so they show nothing) beyond
    `HEADROOM` of its own (its next text may be longer), then from the
    lowest-priority list that `fresh` cuts anyway, down to `DONOR_KEEPS` of
    its lines; no panel shown whole ever gives a line, and no panel is
    hidden or shown for it. Headroom goes to panels in priority order.
    """
    rows = dict(fresh.rows)
    spare: dict[str, int] = {}
    for group in _groups(fresh.columns):
        panels = [p for p in group if p in needs and fresh.lines(p) > 0]
        takers = [p for p in panels if p in grown and fresh.lines(p) >= needs[p].want > 0]
        if not takers:
            continue
        givers: list[tuple[str, int]] = []
        if EVENT in panels and fresh.lines(EVENT) > needs[EVENT].want + HEADROOM:  # it keeps headroom of its own
            givers.append((EVENT, fresh.lines(EVENT) - needs[EVENT].want - HEADROOM))
        cut = [p for p in panels if needs[p].want > fresh.lines(p) and p != EVENT]
        if cut and fresh.lines(cut[-1]) > DONOR_KEEPS:
            givers.append((cut[-1], fresh.lines(cut[-1]) - DONOR_KEEPS))
        for taker in takers:
            for k, (giver, can) in enumerate(givers):
                if giver == taker:
                    continue
                more = min(HEADROOM - spare.get(taker, 0), can)
                if more > 0:
                    rows[taker] += more
                    rows[giver] -= more
                    spare[taker] = spare.get(taker, 0) + more
                    givers[k] = (giver, can - more)
    if not spare:
        return fresh
    return fresh._replace(rows=rows, spare=MappingProxyType(spare))


def _groups(columns: int) -> list[list[str]]:
    """The panels sharing each column of text, by priority: with two, the event has the first to itself."""
    return [[EVENT], [p for p in PRIORITY if p != EVENT]] if columns == 2 else [list(PRIORITY)]


def tight_must(need: Need, arrangement: Arrangement) -> int:
    """The essential lines of a panel as `arrangement` writes them."""
    return need.tight if arrangement.tight and need.tight is not None else need.must


def _give(given: dict[str, int], wants: Mapping[str, int], panel: str, left: int, upto: int | None) -> int:
    """Give `panel` lines up to `upto` of its text (all of it if None) out of `left`; what is left then."""
    target = wants[panel] if upto is None else min(upto, wants[panel])
    more = max(0, min(target - (given[panel] - RULE), left))
    given[panel] += more
    return left - more
