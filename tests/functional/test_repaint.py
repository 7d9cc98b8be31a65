"""A step between the ends changes what panels say, never the layout.

This is the design that keeps a step within one 60 Hz frame (see
docs/performance.md): fixed-height panels with their own scrolling, and
updates that ask for no layout pass. A layout pass makes Textual repaint the
whole screen, so a regression here shows up as a slow board, not a wrong one.
"""

from __future__ import annotations

from textual.widget import Widget

from sitboard.app.app import SitboardApp
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.state import BoardState
from sitboard.timeline import Timeline


def test_stepping_inside_the_timeline_asks_for_no_layout(syria, ui, monkeypatch):
    app = SitboardApp(Timeline(syria), BoardState(step=1))
    layouts: list[str] = []
    original = Widget.refresh

    def spy(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
        if layout or recompose:
            layouts.append(type(self).__name__)
        return original(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

    async def body(pilot):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(Widget, "refresh", spy)
        for _ in range(syria.events.__len__() - 2):  # steps 2 .. N-1: no end is reached
            await pilot.press("right")
            await pilot.pause()
        assert app.step == len(syria.events) - 1
        assert layouts == []

    ui.drive(app, body)


def test_long_event_text_scrolls_inside_its_panel(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=3))

    async def body(pilot):  # type: ignore[no-untyped-def]
        panel = app.query_one(EventPanel)
        assert "more" in str(panel.border_subtitle)  # the text is longer than the panel
        first = ui.screen_lines(app)
        panel.focus()
        await pilot.press("pagedown")
        await pilot.pause()
        assert ui.screen_lines(app) != first
        assert app.step == 3  # scrolling is not stepping
        await pilot.press("right")  # ... and the arrows still step with the panel focused
        await pilot.pause()
        assert app.step == 4

    ui.drive(app, body, size=(120, 36))


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
