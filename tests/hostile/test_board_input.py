"""What a briefer types and what a file holds never stop the board.

The Go-to dialog takes any text (superscripts, digits of other scripts, 5,000
digits, dates past the year 9999) and answers with a sentence. `--ascii`
means pure 7-bit whatever the names. Numbers and colours that get past the
checker (or past a caller that skipped Rich's colour check) are drawn, not
fatal.
"""

from __future__ import annotations

import pytest
from functional.conftest import (
    SMALL,
    content_of,
    drive,
    non_ascii,
    scenario_from,
    screen_lines,
)
from functional.test_live import until
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from strategies import (
    FRAGMENTS,
    Texts,
    hostile_text,
    scenario_yaml,
    scenarios_with_hostile_numbers,
)
from textual.widgets import Input

from sitboard.app.app import SitboardApp
from sitboard.app.screens import GotoScreen, TownScreen
from sitboard.app.widgets.control_panel import TownList
from sitboard.panels import goto
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import parse_scenario
from sitboard.state import BoardState
from sitboard.timeline import Timeline

# -- Go to --------------------------------------------------------------------------


async def go_to(pilot, app: SitboardApp, typed: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("g")
    assert await until(pilot, lambda: isinstance(app.screen, GotoScreen), seconds=10)
    app.screen.query_one(Input).value = typed  # as pasted: some of these cannot be typed key by key
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize(
    "typed", ["²", "1²", "9" * 5000, "1" + "0" * 4400, "9999-12-31T23:59-23:59", "0001-01-01T00:00+23:59"]
)
def test_goto_answers_anything_it_cannot_use_with_a_sentence(typed):
    """`²` and a 5,000-digit number stopped the board (int() on them); so did a date past 9999.

    (Any other text is `test_goto_reads_any_text_as_a_step_or_a_reason`.)
    """
    scenario = scenario_from(SMALL, "small.yaml")
    app = SitboardApp(Timeline(scenario), BoardState(step=2))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await go_to(pilot, app, typed)
        assert isinstance(app.screen, GotoScreen)
        error = content_of(app.screen.query_one("#goto-error"))
        assert error.startswith("Not a step: ") and "\x1b" not in error
        assert app.step == 2

    drive(app, body)
    assert app.crash is None


def test_goto_reads_dates_and_steps_in_the_digits_of_any_script():
    """Arabic-Indic and fullwidth digits are digits (as `int` reads them): a date typed on an
    Arabic keyboard was 'not a date'."""
    scenario = scenario_from(SMALL, "small.yaml")
    app = SitboardApp(Timeline(scenario))

    async def body(pilot):  # type: ignore[no-untyped-def]
        for typed, step in (("٢٠٢٤-٠١-٠٢", 2), ("２０２４-０１-０３", 3), ("٣", 3), ("１", 1), ("𝟒", 4), ("٠", 0)):
            await go_to(pilot, app, typed)
            assert not isinstance(app.screen, GotoScreen), typed
            assert app.step == step, typed

    drive(app, body)
    assert app.crash is None


@settings(max_examples=300, deadline=None)
@given(
    typed=st.one_of(
        st.text(),
        st.text(st.characters(categories=("Nd", "No", "Nl", "Pd", "P")), max_size=30),
        st.sampled_from(FRAGMENTS),
        st.from_regex(r"[0-9٠-٩]{4}-[0-9]{2}-[0-9]{2}(T[0-9:]{5}([+-][0-9:]{5})?)?"),
    )
)
def test_goto_reads_any_text_as_a_step_or_a_reason(typed):
    timeline = Timeline(scenario_from(SMALL, "small.yaml"))
    try:
        step = goto.parse_goto(typed, timeline)
    except goto.NotAStep as exc:
        assert str(exc)
    else:
        assert 0 <= step <= timeline.steps


# -- ASCII means 7-bit --------------------------------------------------------------------

LONG = "Al-Qaryatayn al-Kabira wa Dawahiha al-Sharqiyya " * 3


def long_names() -> str:
    return scenario_yaml(Texts.every(f"{LONG} Ḥamāh … «“long”» — ≥ → "))


@pytest.mark.parametrize("size", [(60, 16), (80, 24), (119, 31), (160, 50), (250, 70)])
def test_ascii_mode_shows_only_7bit_characters_at_any_size(size):
    """`--ascii` shortened long names with `…`."""
    scenario = scenario_from(long_names(), "long.yaml")
    app = SitboardApp(Timeline(scenario), BoardState(step=1), ascii_only=True)

    async def body(pilot):  # type: ignore[no-untyped-def]
        seen: dict[str, list[tuple[int, int]]] = {}
        for keys in (
            [],
            ["space"],
            ["right_square_bracket"],
            ["f"],
            ["f", "tab", "tab", "tab", "down", "down"],
            ["end"],
            ["t"],
        ):
            await pilot.press(*keys)
            await pilot.pause()
            seen.update({f"{ch!r} after {keys}": at[:3] for ch, at in non_ascii(screen_lines(app)).items()})
        app.query_one(TownList).focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        seen.update({f"{ch!r} in a town's history": at[:3] for ch, at in non_ascii(screen_lines(app)).items()})
        assert not seen

    drive(app, body, size=size, notifications=True)
    assert app.crash is None


# -- sizes -----------------------------------------------------------------------------------------


def test_a_text_of_any_length_is_shown_cut_and_counted():
    """Names and texts of 200,000 characters took half a minute to open and seconds per key:
    every panel wraps its whole text, at every width."""
    scenario = scenario_from(scenario_yaml(Texts.every("word " * 60_000)), "long.yaml")
    app = SitboardApp(Timeline(scenario), BoardState(step=1))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("f", "f", "end", "home", "ctrl+p", "escape", "right")
        app.select_town("north")
        assert await until(
            pilot, lambda: isinstance(app.screen, TownScreen) and app.screen.query("#town-body Static"), seconds=10
        )
        shown = content_of(app.screen.query_one("#town-body Static"))
        assert "(296,000 more characters)" in shown and len(shown) < 50_000

    drive(app, body)
    assert app.crash is None


# -- numbers and colours that get through -------------------------------------------------

HUGE = "9" * 4300  # the most digits Python turns into text; two of them add up to one more


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@example(yaml=scenario_yaml(Texts.every("Plain"), population=HUGE, people=HUGE))
@given(yaml=scenarios_with_hostile_numbers())
def test_numbers_the_checker_lets_through_never_stop_the_board(yaml):
    """A 4,300-digit population passed the checker and stopped the board (Python prints 4,300 digits at most)."""
    try:
        scenario = scenario_from(yaml, "numbers.yaml")
    except ScenarioError:
        return  # the checker bounds it: that is an answer too
    app = SitboardApp(Timeline(scenario), BoardState(step=2))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("f", "f", "home", "end")
        app.select_town("west")
        assert await until(pilot, lambda: isinstance(app.screen, TownScreen), seconds=10)
        await pilot.pause()

    drive(app, body)
    assert app.crash is None


def test_a_colour_rich_cannot_draw_is_replaced_not_fatal():
    """`parse_scenario` without Rich's colour check accepts any colour word; the board drew with it and stopped."""
    scenario = parse_scenario(
        SMALL.replace("{id: red, name: Red side, mark: R}", "{id: red, name: Red side, mark: R, color: blurple}"),
        "colour.yaml",
    )
    app = SitboardApp(Timeline(scenario), BoardState(step=1))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("a", "end")
        app.select_town("north")
        assert await until(pilot, lambda: isinstance(app.screen, TownScreen), seconds=10)

    drive(app, body)
    assert app.crash is None


@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=hostile_text(), sizes=st.lists(st.tuples(st.integers(1, 300), st.integers(1, 100)), min_size=3, max_size=6))
def test_hostile_names_survive_a_resize_storm_with_the_palette_open(text, sizes):
    scenario = scenario_from(scenario_yaml(Texts.every(text)), "storm.yaml")
    app = SitboardApp(Timeline(scenario), BoardState(step=1))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("ctrl+p")
        for size in sizes:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await pilot.press("escape", "f")
        for size in reversed(sizes):
            await pilot.resize_terminal(*size)
            await pilot.pause()

    drive(app, body)
    assert app.crash is None
