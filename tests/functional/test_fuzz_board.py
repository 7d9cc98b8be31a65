"""Random keys, clicks and resizes never crash the board (sizes 1x1 to 300x100)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitboard.app.app import SitboardApp
from sitboard.timeline import Timeline

KEYS = [
    "right",
    "left",
    "home",
    "end",
    "space",
    "left_square_bracket",
    "right_square_bracket",
    "g",
    "escape",
    "enter",
    "question_mark",
    "f",
    "t",
    "a",
    "plus",
    "minus",
    "0",
    "shift+left",
    "shift+up",
    "tab",
    "shift+tab",
    "up",
    "down",
    "pagedown",
    "ctrl+p",
    "1",
    "x",
    "backspace",
]

action = st.one_of(
    st.tuples(st.just("key"), st.sampled_from(KEYS)),
    st.tuples(st.just("click"), st.tuples(st.integers(0, 299), st.integers(0, 99))),
    st.tuples(st.just("scroll"), st.tuples(st.integers(0, 299), st.integers(0, 99))),
    st.tuples(st.just("resize"), st.tuples(st.integers(1, 300), st.integers(1, 100))),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(action, min_size=1, max_size=25), ascii_only=st.booleans())
def test_random_use_never_crashes(syria, ui, actions, ascii_only):
    app = SitboardApp(Timeline(syria), ascii_only=ascii_only)

    async def body(pilot):  # type: ignore[no-untyped-def]
        for kind, arg in actions:
            if kind == "key":
                if arg == "q":
                    continue
                await pilot.press(arg)
            elif kind == "resize":
                await pilot.resize_terminal(*arg)
            else:
                width, height = app.size
                x, y = arg[0] % max(1, width), arg[1] % max(1, height)
                if kind == "click":
                    await pilot.click(offset=(x, y))
                else:
                    await pilot.mouse_down(offset=(x, y))
                    await pilot.mouse_up(offset=(x, y))
            await pilot.pause()
            if not app.is_running:  # a click can pick "Quit" in the palette: a clean exit, not a crash
                break
        assert getattr(app, "_crash", None) is None
        assert app.return_code in (None, 0)
        assert 0 <= app.step <= app.timeline.steps

    ui.drive(app, body)


def test_the_palette_open_while_the_terminal_shrinks_to_a_few_columns(syria, ui):
    """Found by the test above: Textual's palette list crashed wrapping to a width of zero."""
    app = SitboardApp(Timeline(syria))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("ctrl+p")
        await pilot.pause()
        for size in ((6, 97), (4, 1), (1, 1), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        assert app.is_running

    ui.drive(app, body)


def test_a_screenshot_asked_for_while_quitting_is_dropped_not_a_crash(syria, ui, tmp_path):
    """Found by the random-use test: the palette's Screenshot runs after the next
    refresh; when the board quit first, Textual raised ScreenStackError."""
    app = SitboardApp(Timeline(syria))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.pause()

    ui.drive(app, body)
    assert not app.screen_stack
    assert app.deliver_screenshot(path=str(tmp_path)) is None
    assert not list(tmp_path.iterdir())
