"""A step between the ends changes what panels say, and the layout only when what they need does.

This is the design that keeps a step within one 60 Hz frame (see
docs/performance.md): panels with their own scrolling, whose heights the
side column changes only when the arrangement of its panels changes
(`sitboard.panels.layout`). A layout pass costs a step more than its
panels' text, so a regression here shows up as a slow board, not a wrong one.
"""

from __future__ import annotations

import pytest
from textual.widget import Widget

from sitboard.app.app import SitboardApp
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.app.widgets.side import SideColumn
from sitboard.state import BoardState
from sitboard.timeline import Timeline


@pytest.mark.parametrize("size", [(80, 24), (160, 50), (250, 70)])
def test_a_step_asks_for_a_layout_only_when_the_arrangement_changes(syria, ui, monkeypatch, size):
    app = SitboardApp(Timeline(syria), BoardState(step=1))
    layouts: list[str] = []
    original = Widget.refresh

    def spy(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
        if layout or recompose:
            layouts.append(type(self).__name__)
        return original(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

    async def body(pilot):  # type: ignore[no-untyped-def]
        side = app.query_one(SideColumn)
        monkeypatch.setattr(Widget, "refresh", spy)
        unchanged = 0
        for _ in range(len(syria.events) - 2):  # steps 2 .. N-1: no end is reached
            before = side.arrangement
            layouts.clear()
            await pilot.press("right")
            await pilot.pause()
            if side.arrangement == before:
                assert layouts == [], (app.step, layouts)
                unchanged += 1
        assert app.step == len(syria.events) - 1
        assert unchanged  # (there were such steps: the assertion ran)

    ui.drive(app, body, size=size)


def test_long_event_text_scrolls_inside_its_panel(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=3))

    async def body(pilot):  # type: ignore[no-untyped-def]
        panel = app.query_one(EventPanel)
        assert "more (Tab)" in str(panel.border_title)  # the text is longer than the panel
        panel.focus()
        await pilot.pause()
        assert "more (↑↓)" in str(panel.border_title)  # focused, it grows, and is still longer
        first = ui.screen_lines(app)
        await pilot.press("pagedown")
        await pilot.pause()
        assert ui.screen_lines(app) != first
        assert app.step == 3  # scrolling is not stepping
        await pilot.press("right")  # ... and the arrows still step with the panel focused
        await pilot.pause()
        assert app.step == 4

    ui.drive(app, body, size=(80, 24))


def test_the_first_paint_of_the_map_is_the_map(syria, ui, monkeypatch):
    """Textual paints a widget before telling it its size: the map draws itself then.

    Otherwise the first frame shows an empty map, and the map's full repaint
    follows when the Resize event arrives (a flash, and work at start-up).
    """
    from sitboard.app.widgets.map_view import MapView

    painted: list[tuple[int, str]] = []
    original = MapView.render_line

    def spy(self, y):  # type: ignore[no-untyped-def]
        strip = original(self, y)
        painted.append((y, strip.text))
        return strip

    monkeypatch.setattr(MapView, "render_line", spy)
    app = SitboardApp(Timeline(syria))

    async def body(pilot):  # type: ignore[no-untyped-def]
        height = app.query_one(MapView).size.height
        first = painted[:height]  # the first paint of the map
        assert sorted(y for y, _ in first) == list(range(height))
        assert sum(1 for _, text in first if text.strip()) > height // 2  # coast and borders, not blanks

    ui.drive(app, body)


@pytest.mark.parametrize("size", [(100, 30), (120, 40)])
def test_a_new_arrangement_is_laid_out_in_one_pass_without_repainting_the_whole_column(syria, ui, monkeypatch, size):
    # A panel's new height changes its virtual size too; Textual's default then asks
    # for a second layout pass of the whole screen, which found nothing to move.
    # And setting `styles.grid_rows` repainted the column too, every cell of it composed
    # again (13 of a 30 ms step at 200x60); the layout repaints what moved or changed size.
    from textual.screen import Screen

    app = SitboardApp(Timeline(syria), BoardState(step=1))
    passes: list[int] = []
    repainted: list[int] = []
    original, refresh = Screen._refresh_layout, Widget.refresh

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        passes.append(1)
        return original(self, *args, **kwargs)

    def spy(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
        if isinstance(self, SideColumn) and repaint:
            repainted.append(app.step)
        return refresh(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

    async def body(pilot):  # type: ignore[no-untyped-def]
        side = app.query_one(SideColumn)
        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        monkeypatch.setattr(Widget, "refresh", spy)
        moved = 0
        for _ in range(len(syria.events) - 2):
            before = side.arrangement
            passes.clear()
            await pilot.press("right")
            await pilot.pause()
            if side.arrangement != before:
                moved += 1
                assert len(passes) == 1, (app.step, len(passes))
        assert moved  # (at these sizes the event's essentials change the column: the assertion ran)
        assert repainted == []

    ui.drive(app, body, size=size)


def test_a_tally_that_grows_as_the_briefing_goes_on_moves_the_column_less_often_than_it_grows(ui):
    # Early in a long timeline the displacement panel gains a line or two at most
    # steps; the panels that grew get headroom from the cut town list, so most of
    # those steps move nothing (`layout.settled`).
    from sitboard.app.widgets.displacement_panel import DisplacementPanel
    from sitboard.cli.bench import generate
    from sitboard.scenario.loader import parse_scenario

    scenario = parse_scenario(generate(2000, 600), "<generated>")
    app = SitboardApp(Timeline(scenario))

    async def body(pilot):  # type: ignore[no-untyped-def]
        side = app.query_one(SideColumn)
        panel = app.query_one(DisplacementPanel)
        width = side.frame.text_width("displacement") if side.frame else 0
        grew = moved = 0
        for _ in range(60):
            before, need = side.arrangement, panel.need(width).want
            await pilot.press("right")
            await pilot.pause()
            grew += panel.need(width).want > need
            moved += side.arrangement != before
        assert grew >= 6, grew  # (the scenario does what the test is about)
        assert moved * 2 <= grew, (moved, grew)

    ui.drive(app, body, size=(200, 60))


def test_the_event_essentials_are_counted_as_their_text_less_its_last_line_break_draws(syria, ui):
    # The side column keeps them on screen by this count; it is taken from the paragraphs the
    # whole event's wrap kept. It must be what drawing the essentials, less their last line break, gives.
    from rich.text import Text

    from sitboard.app.widgets.text_panel import wrapped_lines

    app = SitboardApp(Timeline(syria))

    async def body(pilot):  # type: ignore[no-untyped-def]
        panel = app.query_one(EventPanel)
        console = app.console
        for _ in range(len(syria.events) + 1):
            for width in (12, 23, 37, 60):
                panel.need(width)
                for tight in (False, True):
                    text = panel._essentials.get(tight, Text()).copy()
                    text.rstrip()
                    options = console.options.update_width(width).update(highlight=False)
                    expected = wrapped_lines(console, options, text) if text.plain else 0
                    assert panel._essential_lines(tight, width) == expected, (app.step, width, tight)
            await pilot.press("right")
            await pilot.pause()

    ui.drive(app, body, size=(160, 50))
