"""The board through its public surface: keys, panels, messages, palette, sizes, ASCII.

Every test drives a real `SitboardApp` headless with Textual's Pilot (see
conftest.py for why tests are sync functions around `asyncio.run`).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Static
from textual.widgets._toast import Toast

from sitboard.app.actions import ACTIONS, key_text
from sitboard.app.app import SitboardApp
from sitboard.app.messages import StepRequested, TownSelected
from sitboard.app.screens import GotoScreen, HelpScreen, TownScreen
from sitboard.app.themes import THEMES
from sitboard.app.widgets.bottom_bar import BottomBar
from sitboard.app.widgets.control_panel import TownList
from sitboard.app.widgets.displacement_panel import DisplacementPanel
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.app.widgets.map_view import MapView
from sitboard.state import BoardState
from sitboard.timeline import Timeline

HAMA_STEP = 3  # "Army withdraws from Hama; insurgents take Syria's fourth-largest city"
FLOWS_STEP = 8  # "Thousands of pro-Assad Homs residents flee toward Damascus and the coast"


async def settle(pilot, rounds: int = 2) -> None:
    for _ in range(rounds):
        await pilot.pause()


def footer_shows_disabled(app, action: str) -> bool:
    """Whether the key bar draws the action's key in its disabled style."""
    bar = app.query_one(BottomBar)
    text = bar.key_row(bar.size.width)
    span = next(s for s in bar._spans if s[2] == action)
    _, off, _ = bar.key_styles()  # the theme's disabled style, made legible (issue 17)
    return any(sp.start == span[0] and sp.style == off for sp in text.spans)


# -- the timeline keys ------------------------------------------------------------------


def test_step_keys_move_forward_and_back(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        assert app.step == 0
        for n, key in enumerate(["right", "l", "n"], start=1):
            await pilot.press(key)
            assert app.step == n, key
        for n, key in zip([2, 1, 0], ["left", "h", "p"]):
            await pilot.press(key)
            assert app.step == n, key
        await pilot.press("end")
        assert app.step == app.timeline.steps == 9
        await pilot.press("home")
        assert app.step == 0

    ui.drive(app, body)


def test_next_is_disabled_at_the_end_and_previous_at_the_start(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        assert app.check_action("previous", ()) is None
        assert app.check_action("first", ()) is None
        assert app.check_action("next", ()) is True
        await settle(pilot)
        assert footer_shows_disabled(app, "previous")
        assert not footer_shows_disabled(app, "next")
        await pilot.press("left", "home")
        assert app.step == 0

        await pilot.press("end")
        await settle(pilot)
        assert app.check_action("next", ()) is None
        assert app.check_action("last", ()) is None
        assert app.check_action("previous", ()) is True
        assert footer_shows_disabled(app, "next")
        assert not footer_shows_disabled(app, "previous")
        await pilot.press("right", "n", "end")
        assert app.step == app.timeline.steps

    ui.drive(app, body)


def test_timeline_keys_work_whatever_panel_has_focus(syria, ui):
    """Tab into the side panels: Home/End/arrows still move the timeline (the
    town list keeps Home/End for its own list)."""
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        for widget_id in ("side", "event", "displacement", "map"):
            app.query_one(f"#{widget_id}").focus()
            await pilot.pause()
            await pilot.press("end")
            assert app.step == app.timeline.steps, widget_id
            await pilot.press("left")
            assert app.step == app.timeline.steps - 1, widget_id
            await pilot.press("home")
            assert app.step == 0, widget_id
            await pilot.press("right")
            assert app.step == 1, widget_id
            await pilot.press("home")

    ui.drive(app, body)


def test_space_toggles_play_and_restarts_from_the_end(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        app.interval = 60.0  # no tick can land while the test looks
        assert not app.playing
        await pilot.press("space")
        assert app.playing
        await settle(pilot)
        assert "PLAY" in "\n".join(ui.screen_lines(app)[:4])
        await pilot.press("space")
        assert not app.playing
        await settle(pilot)
        assert "PLAY" not in "\n".join(ui.screen_lines(app)[:4])

        await pilot.press("end", "space")
        assert app.playing and app.step == 0
        await pilot.press("space")

    ui.drive(app, body)


def test_autoplay_steps_by_itself_and_stops_at_the_end(syria, ui):
    app = SitboardApp(Timeline(syria), autoplay=0.05)
    seen: list[int] = []

    async def body(pilot):
        # No settling first: with a 0.05 s timer the app never looks idle to
        # `pilot.pause()`, which may then wait up to a second.
        assert app.interval == 0.05
        seen.append(app.step)
        app.watch(app, "state", lambda old, new: seen.append(new.step) if new.step != old.step else None, init=False)
        for _ in range(200):  # bounded: at most a few seconds, normally ~0.5 s
            if not app.playing:
                break
            await pilot.pause(0.05)
        assert not app.playing
        assert app.step == app.timeline.steps
        # Every step was shown, in order, with no key pressed.
        assert seen[0] < app.timeline.steps // 2
        assert seen == list(range(seen[0], app.timeline.steps + 1))
        await pilot.pause(0.2)
        assert app.step == app.timeline.steps  # and it stays there
        assert "PLAY" not in "\n".join(ui.screen_lines(app)[:4])

    ui.drive(app, body, settle_first=False)


def test_brackets_change_the_interval_within_the_speed_range(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        start = app.interval
        await pilot.press("left_square_bracket")
        assert app.interval > start
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert app.interval < start
        await pilot.press(*["right_square_bracket"] * 12)
        fastest = app.interval
        await pilot.press("right_square_bracket")
        assert app.interval == fastest > 0
        await pilot.press(*["left_square_bracket"] * 12)
        slowest = app.interval
        await pilot.press("left_square_bracket")
        assert app.interval == slowest > start

    ui.drive(app, body)


# -- go to, help, presentation, themes, areas, quit -------------------------------------------


@pytest.mark.parametrize(
    "key, screen, body_id, width",
    [("g", GotoScreen, "#goto-input", 60), ("question_mark", HelpScreen, "#help-body", 90)],
)
def test_dialogs_are_centred_and_no_wider_than_their_design(syria, ui, key, screen, body_id, width):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        region = app.screen.query_one(body_id).region
        assert region.width == width
        left, right = region.x, app.size.width - region.right
        assert abs(left - right) <= 1

    ui.drive(app, body, size=(160, 50))


def test_goto_takes_a_step_a_date_or_end(syria, ui):
    app = SitboardApp(Timeline(syria))
    timeline = Timeline(syria)
    last_on_dec_5 = max(i + 1 for i, e in enumerate(syria.events) if e.time.text.startswith("2024-12-05"))

    async def body(pilot):
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GotoScreen)
        assert app.screen.query_one(Input).has_focus
        await pilot.press("3", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, GotoScreen)
        assert app.step == 3

        await pilot.press("g", *"2024-12-05", "enter")
        await settle(pilot)
        assert app.step == last_on_dec_5 == 4

        await pilot.press("g", *"end", "enter")
        await settle(pilot)
        assert app.step == timeline.steps

        await pilot.press("g", *"0", "enter")
        await settle(pilot)
        assert app.step == 0

    ui.drive(app, body)


@pytest.mark.parametrize("typed", ["garbage", "99", "2024-13-45", ""])
def test_goto_rejects_what_it_cannot_read_and_stays_open(syria, ui, typed):
    app = SitboardApp(Timeline(syria), BoardState(step=2))

    async def body(pilot):
        await pilot.press("g")
        await settle(pilot)
        if typed:
            await pilot.press(*typed)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GotoScreen)
        error = ui.content_of(app.screen.query_one("#goto-error", Static))
        assert "Not a step" in error and repr(typed) in error
        assert app.step == 2
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, GotoScreen)
        assert app.step == 2

    ui.drive(app, body)


def test_goto_escape_cancels(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=5))

    async def body(pilot):
        await pilot.press("g", "1")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, GotoScreen)
        assert app.step == 5

    ui.drive(app, body)


def test_help_lists_every_action(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        lines = ui.screen_lines(app)
        for action in ACTIONS:
            rows = [line for line in lines if action.help in line]
            assert rows, f"help for {action.action!r} is not on screen"
            first_key = key_text(action).split(" / ")[0]
            assert any(first_key in row for row in rows), (action.action, first_key)
        # q closes the help instead of quitting the board.
        await pilot.press("q")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        assert app.return_code is None
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)

    ui.drive(app, body)


def test_present_mode_hides_the_side_and_shows_the_headline(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=HAMA_STEP))
    title = syria.events[HAMA_STEP - 1].title

    async def body(pilot):
        assert not app.has_class("-present")
        assert not app.query("#headline")  # mounted when first needed
        narrow_map = app.query_one(MapView).size.width
        await pilot.press("f")
        await settle(pilot)
        assert app.present and app.has_class("-present")
        assert not app.query_one("#side").display
        assert not app.query_one("#header").display
        assert app.query_one("#headline").display
        headline = ui.content_of(app.query_one("#headline"))
        assert title in headline and f"{HAMA_STEP}/{app.timeline.steps}" in headline
        assert app.query_one(MapView).size.width == app.size.width > narrow_map
        assert any(title in line for line in ui.screen_lines(app))
        await pilot.press("right")
        await settle(pilot)
        assert syria.events[HAMA_STEP].title in ui.content_of(app.query_one("#headline"))
        await pilot.press("f")
        await settle(pilot)
        assert not app.has_class("-present")
        assert app.query_one("#side").display
        assert not app.query_one("#headline").display
        assert not any(title in line for line in ui.screen_lines(app)[:3])

    ui.drive(app, body)


def test_present_from_the_constructor(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(present=True))

    async def body(pilot):
        assert app.has_class("-present")
        assert "Start" in ui.content_of(app.query_one("#headline"))
        assert not app.query_one("#side").display

    ui.drive(app, body)


def test_t_cycles_every_theme_including_high_contrast(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        seen = [app.theme]
        for _ in THEMES:
            await pilot.press("t")
            seen.append(app.theme)
        assert "sitboard-high-contrast" in seen
        assert set(seen) == set(THEMES)
        assert seen[-1] == seen[0]  # a full cycle comes back

    ui.drive(app, body)


def test_the_map_has_the_keyboard_once_the_board_is_up(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.pause()
        assert app.focused is app.query_one(MapView)

    ui.drive(app, body)


def test_a_theme_change_repaints_every_panel_in_the_new_colours(syria, ui):
    """Panels keep what they drew between steps; a new theme must not leave old colours behind."""
    from sitboard.app.widgets.header import BoardHeader

    app = SitboardApp(Timeline(syria), BoardState(step=HAMA_STEP))
    panels = (BoardHeader, EventPanel, DisplacementPanel, TownList, MapView)

    def backgrounds():  # type: ignore[no-untyped-def]
        found = {}
        for cls in panels:
            widget = app.query_one(cls)
            found[cls.__name__] = (widget.render_line(1)._segments[-1].style.bgcolor, widget.rich_style.bgcolor)
        return found

    async def body(pilot):  # type: ignore[no-untyped-def]
        before = backgrounds()
        await pilot.press("t")  # textual-dark -> the next theme, whose background differs
        await pilot.pause()
        after = backgrounds()
        for name, (drawn, theme) in after.items():
            assert drawn == theme, name
            assert theme != before[name][1], name

    ui.drive(app, body)


def test_theme_from_the_constructor_and_an_unknown_one(syria, ui):
    app = SitboardApp(Timeline(syria), theme_name="sitboard-high-contrast")

    async def body(pilot):
        assert app.theme == "sitboard-high-contrast"

    ui.drive(app, body)

    unknown = SitboardApp(Timeline(syria), theme_name="no-such-theme")

    async def body2(pilot):
        assert unknown.theme == "textual-dark"
        await settle(pilot)
        toasts = " ".join(ui.screen_lines(unknown))
        assert "no-such-theme" in toasts

    ui.drive(unknown, body2, notifications=True)


def test_r_reads_the_step_as_one_sentence_on_screen(syria, ui):
    """The sentence `sitboard narrate` prints for a step, shown on the board for whoever cannot read the panels."""
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        await pilot.press("right", "right", "r")
        await settle(pilot)
        sentence = [n.message for n in app._notifications][-1]
        run = subprocess.run(
            [sys.executable, "-m", "sitboard", "narrate", syria.path, "--step", "2"],
            capture_output=True, text=True, encoding="utf-8", check=True,
        )  # fmt: skip
        assert sentence == run.stdout.rstrip("\n") and "Aleppo" in sentence
        assert app.screen.query(Toast)  # on screen, as a notification

    ui.drive(app, body, notifications=True)


def test_a_toggles_area_shading(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        view = app.query_one(MapView)
        assert not view.state.areas and view._frame.shade is None
        await pilot.press("a")
        await settle(pilot)
        assert view.state.areas and view._frame.shade is not None
        await pilot.press("a")
        await settle(pilot)
        assert not view.state.areas and view._frame.shade is None

    ui.drive(app, body)


def test_q_quits(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        assert app.return_code is None
        await pilot.press("q")
        await settle(pilot)

    ui.drive(app, body)
    assert app.return_code == 0


def test_timers_that_fire_while_the_board_quits_do_nothing(syria, ui):
    # The map's focus after the first frame and the unseen drawing of the last
    # step run from timers; quitting soon after start-up can leave no screen
    # for them (a random-use run found the drawing raising ScreenStackError).
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        await pilot.press("q")
        await settle(pilot)

    ui.drive(app, body)
    assert not app.screen_stack
    app._focus_the_map()
    app._prepare_the_end()


# -- what the panels say ----------------------------------------------------------------------


def test_start_shows_the_scenario_summary(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        event = ui.content_of(app.query_one(EventPanel))
        assert "Start of the scenario" in event
        assert " ".join(syria.summary.split()[:8]) in " ".join(event.split())
        assert "No displacement reported so far." in ui.content_of(app.query_one(DisplacementPanel))
        assert "step 0 / 9" in "\n".join(ui.screen_lines(app)[:4])

    ui.drive(app, body)


def test_event_panel_at_the_fall_of_hama(syria, ui):
    app = SitboardApp(Timeline(syria))
    event = syria.events[HAMA_STEP - 1]

    async def body(pilot):
        await pilot.press(*["right"] * HAMA_STEP)
        await settle(pilot)
        text = ui.content_of(app.query_one(EventPanel))
        assert event.title in text
        assert "CONFIRMED" in text
        assert "2024-12-05" in text
        assert "Where: Hama" in text
        for sid in event.sources:
            source = syria.source_by_id[sid]
            assert f"{source.name} ({source.kind})" in text
        gov, hts = "Syrian government (Syrian Arab Army)", "Hayat Tahrir al-Sham–led insurgents"
        assert f"Hama: {gov} → {hts}" in text  # the change of hands, in full, is the event's
        # And the same words reach the screen (the panel wraps long lines).
        screen = " ".join(" ".join(ui.screen_lines(app)).split())
        assert "CONFIRMED" in screen
        assert "Where: Hama" in screen

    ui.drive(app, body)


def test_control_panel_at_the_fall_of_hama(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=HAMA_STEP - 1))
    state = Timeline(syria).state_at(HAMA_STEP)

    async def body(pilot):
        await pilot.press("right")
        await settle(pilot)
        summary = ui.content_of(app.query_one("#control"))
        lines = summary.splitlines()
        assert len(lines) == len(syria.factions)  # one line per faction: the changes are the event panel's
        for faction in syria.factions:
            count = state.held(faction)[0]
            row = [line for line in lines if faction.name in line]
            assert row, faction.name
            assert re.search(rf"(?<![\d,]){count}(?![\d,])", row[0]), (faction.name, count, row[0])
        assert state.held("gov")[0] == 5 and state.held("hts")[0] == 3
        # The town list marks Hama as changed, and only at this step.
        towns = app.query_one(TownList)
        prompts = {o.id: ui.plain(o.prompt) for o in towns.options}
        assert "changed" in prompts["hama"] and "Hama" in prompts["hama"]
        assert "changed" not in prompts["homs"]
        await pilot.press("right")
        await settle(pilot)
        prompts = {o.id: ui.plain(o.prompt) for o in towns.options}
        assert "changed" not in prompts["hama"]

    ui.drive(app, body)


def test_displacement_is_never_given_a_made_up_number(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=FLOWS_STEP - 1))
    total = Timeline(syria).state_at(FLOWS_STEP).displaced.total

    async def body(pilot):
        assert "No displacement reported so far." in ui.content_of(app.query_one(DisplacementPanel))
        await pilot.press("right")
        await settle(pilot)
        for step in (FLOWS_STEP, FLOWS_STEP + 1):
            text = ui.content_of(app.query_one(DisplacementPanel))
            assert total.people is None and total.unquantified == 1  # unknown, not 0; one figure, one flow
            assert f"Displaced so far: {total.describe()}" in text.splitlines()
            assert "unquantified" in text
            assert re.findall(r"\d", text) == [], text  # never a number of people
            assert '"thousands"' in text or step != FLOWS_STEP
            await pilot.press("right")
            await settle(pilot)

    ui.drive(app, body)


def test_displacement_counts_what_the_sources_gave(small, ui):
    app = SitboardApp(Timeline(small))

    async def body(pilot):
        await pilot.press("right")
        await settle(pilot)
        text = ui.content_of(app.query_one(DisplacementPanel))
        assert "Displaced so far: 12,000" in text.splitlines()
        await pilot.press("right")
        await settle(pilot)
        text = ui.content_of(app.query_one(DisplacementPanel))
        assert "Displaced so far: ≥ 12,000 + many (unquantified)" in text.splitlines()
        assert '"many"' in text

    ui.drive(app, body)


# -- messages: towns and the timeline strip ------------------------------------------------


def _history_lines(screen: TownScreen, ui) -> list[str]:
    return ui.content_of(screen.query_one("#town-body Static", Static)).splitlines()


def test_clicking_a_town_on_the_map_posts_town_selected(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=HAMA_STEP))
    messages: list = []

    async def body(pilot):
        view = app.query_one(MapView)
        cell = next(c for c, town in view._frame.town_cells.items() if town == "hama")
        messages.clear()
        await pilot.click(MapView, offset=cell)
        await settle(pilot)
        picked = {m.town_id for m in messages if isinstance(m, TownSelected)}
        assert picked == {"hama"}
        assert isinstance(app.screen, TownScreen)
        lines = _history_lines(app.screen, ui)
        gov = next(line for line in lines if "Syrian government" in line)
        hts = next(line for line in lines if "Hayat Tahrir" in line)
        assert "(start)" in gov and "now" not in gov
        assert f"step {HAMA_STEP}, 2024-12-05" in hts and "<- now" in hts
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TownScreen)
        assert view.state.selected == "hama"

    ui.drive(app, body, message_hook=messages.append)


def test_clicking_empty_map_selects_nothing(syria, ui):
    app = SitboardApp(Timeline(syria))
    messages: list = []

    async def body(pilot):
        view = app.query_one(MapView)
        cells = view._frame.town_cells
        empty = next(
            (x, y)
            for y in range(view.size.height)
            for x in range(view.size.width)
            if all((x + dx, y + dy) not in cells for dx in (-2, -1, 0, 1, 2) for dy in (-2, -1, 0, 1, 2))
        )
        await pilot.click(MapView, offset=empty)
        await settle(pilot)
        assert not [m for m in messages if isinstance(m, TownSelected)]
        assert not isinstance(app.screen, TownScreen)

    ui.drive(app, body, message_hook=messages.append)


def test_selecting_in_the_town_list_posts_town_selected(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=FLOWS_STEP))
    messages: list = []

    async def body(pilot):
        towns = app.query_one(TownList)
        towns.focus()
        towns.highlighted = [o.id for o in towns.options].index("homs")
        await pilot.pause()
        messages.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert {m.town_id for m in messages if isinstance(m, TownSelected)} == {"homs"}
        assert isinstance(app.screen, TownScreen)
        text = "\n".join(_history_lines(app.screen, ui))
        assert "Homs" in text and "(start)" in text
        # One figure shared by two destinations is one line: a reader must not add it up twice.
        assert f"step {FLOWS_STEP}: Homs → Damascus and Syrian coast (one figure): thousands" in text
        assert text.count("thousands") == 1

    ui.drive(app, body, message_hook=messages.append)


def test_clicking_a_key_in_the_key_bar_runs_it(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        bar = app.query_one(BottomBar)
        row = ui.screen_lines(app)[-1]
        await pilot.click(BottomBar, offset=(row.index("Next"), 2))
        await settle(pilot)
        assert app.step == 1
        await pilot.click(BottomBar, offset=(row.index("Help"), 2))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert bar.region.y + 2 == app.size.height - 1  # the key row is the screen's last

    ui.drive(app, body, size=(160, 50))


def test_clicking_the_timeline_strip_moves_the_step(syria, ui):
    app = SitboardApp(Timeline(syria))
    messages: list = []

    async def body(pilot):
        strip = app.query_one(BottomBar)
        # Far right is the last event, far left the first.
        await pilot.click(BottomBar, offset=(strip.size.width - 2, 0))
        await settle(pilot)
        requested = [m.step for m in messages if isinstance(m, StepRequested)]
        assert requested and requested[-1] == app.timeline.steps
        assert app.step == app.timeline.steps
        await pilot.click(BottomBar, offset=(1, 0))
        await settle(pilot)
        assert app.step == 1

    ui.drive(app, body, message_hook=messages.append)


# -- the command palette ------------------------------------------------------------------


async def _palette_hits(app, pilot, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    hits: list[str] = []
    still = 0
    for _ in range(100):  # the palette searches in the background, once per key: wait until it settles
        await pilot.pause(0.05)
        now = [_plain(o.prompt) for o in app.screen.query_one(CommandList).options]
        still = still + 1 if now == hits and now else 0
        hits = now
        if still >= 4:
            break
    return hits


def _hit(kind: str, text: str) -> str:
    """A hit as the palette shows it: its kind in a column, then its text."""
    from sitboard.app.commands import KIND_WIDTH

    return kind.ljust(KIND_WIDTH) + text


def _plain(prompt) -> str:
    text = getattr(prompt, "plain", None)
    return text if isinstance(text, str) else str(prompt)


def test_palette_finds_towns_and_events(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        hits = await _palette_hits(app, pilot, "Hama")
        assert _hit("town", "Hama") in hits
        events = [h for h in hits if h.startswith("event ")]
        assert any(h.startswith(_hit("event", f"{HAMA_STEP}. ")) for h in events)
        # Select the fall of Hama.
        target = next(i for i, h in enumerate(hits) if h.startswith(_hit("event", f"{HAMA_STEP}. ")))
        app.screen.query_one(CommandList).highlighted = target
        await pilot.press("enter")
        await settle(pilot, 3)
        assert not isinstance(app.screen, CommandPalette)
        assert app.step == HAMA_STEP

    ui.drive(app, body)


def test_palette_town_hit_opens_the_town(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        hits = await _palette_hits(app, pilot, "Hama")
        app.screen.query_one(CommandList).highlighted = hits.index(_hit("town", "Hama"))
        await pilot.press("enter")
        await settle(pilot, 3)
        assert isinstance(app.screen, TownScreen)
        assert app.screen.town_id == "hama"

    ui.drive(app, body)


def test_palette_ranks_a_town_typed_exactly_above_the_events_that_mention_it(syria, ui):
    """Ctrl+P, `Homs`, Enter went to an event; "Go to town: Homs" was the fourth match."""
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        hits = await _palette_hits(app, pilot, "Homs")
        assert hits[0] == _hit("town", "Homs"), hits[:4]
        assert any(h.startswith("event ") and "Homs" in h for h in hits[1:])  # the events are still there, below
        assert all(h.split(" ", 1)[0] in ("town", "event", "command") for h in hits)  # every hit says its kind
        await pilot.press("enter")
        await settle(pilot, 3)
        assert isinstance(app.screen, TownScreen) and app.screen.town_id == "homs"

    ui.drive(app, body)


def test_palette_shows_every_kind_of_hit(syria, ui):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        hits = await _palette_hits(app, pilot, "a")
        kinds = {h.split(" ", 1)[0] for h in hits}
        assert kinds == {"town", "event", "command"}, hits

    ui.drive(app, body)


def test_goto_takes_a_town_and_goes_to_its_next_change_of_hands(syria, ui):
    app = SitboardApp(Timeline(syria))
    fall_of_hama = next(e.index + 1 for e in syria.events if dict(e.control).get("hama") == "hts")

    async def body(pilot):
        await pilot.press("g", *"hama", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, GotoScreen)
        assert app.step == fall_of_hama
        await pilot.press("end", "g", *"Hama", "enter")  # after its last change: the first again
        await settle(pilot)
        assert app.step == fall_of_hama

    ui.drive(app, body)


# -- sizes --------------------------------------------------------------------------------


SIZES = [(80, 24), (60, 16), (200, 60), (250, 70), (1, 1), (20, 5), (59, 16), (60, 15), (160, 50)]


def test_the_board_survives_every_size_and_resizing_between_them(syria, ui):
    app = SitboardApp(Timeline(syria), BoardState(step=HAMA_STEP))

    async def body(pilot):
        for width, height in SIZES + list(reversed(SIZES)):
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            assert tuple(app.size) == (width, height)
            small = width < 60 or height < 16
            assert app.has_class("-too-small") == small, (width, height)
            lines = ui.screen_lines(app)
            assert len(lines) == height
            screen = " ".join(" ".join(lines).split())
            if small and width >= 20:
                assert "Enlarge the terminal" in screen, (width, height, screen)
                assert f"now {width}x{height}" in ui.content_of(app.query_one("#too-small", Static))
            if not small:
                assert "Enlarge" not in screen
                assert app.query_one(MapView).size.width > 0
                assert f"step {HAMA_STEP}" in screen, (width, height)
            await pilot.press("right", "left")  # keys still work at every size
            assert app.step == HAMA_STEP

    ui.drive(app, body)


def _rows_and_columns(app) -> dict[str, tuple[int, int, int, int]]:
    shown = {}
    for widget_id in ("header", "headline", "error-bar", "map", "side", "bottom"):
        found = app.query(f"#{widget_id}")
        if found and found.first().display:
            shown[widget_id] = tuple(found.first().region)
    return shown


@pytest.mark.parametrize("size, header_rows", [((160, 50), 4), ((80, 24), 2), ((250, 70), 4)])
def test_the_bars_the_map_and_the_side_column_tile_the_screen(syria, ui, size, header_rows):
    # The screen is flat (bars `split` its edges): the order of the bars, and a
    # map that fills exactly what they leave, is what this layout has to get right.
    from sitboard.geo.camera import home_view
    from sitboard.panels import layout

    app = SitboardApp(Timeline(syria))
    width, height = size
    side_width = layout.frame(width, height, layout.map_aspect(*home_view(syria))).side
    assert layout.MIN_SIDE <= side_width <= width - layout.MIN_MAP

    async def body(pilot):
        await settle(pilot)
        shown = _rows_and_columns(app)
        map_rows = height - header_rows - 3
        assert shown["header"] == (0, 0, width, header_rows)
        assert shown["map"] == (0, header_rows, width - side_width, map_rows)
        assert shown["side"] == (width - side_width, header_rows, side_width, map_rows)
        assert shown["bottom"] == (0, height - 3, width, 3)
        lines = ui.screen_lines(app)
        assert "START" in lines[-2] and "Quit" in lines[-1]  # the strip's dates, then the key bar, lowest
        # A broken edit: the bar goes under the header, across the whole width.
        app._report("scenario.yaml:3:1: error: broken - showing the last good version")
        await settle(pilot)
        shown = _rows_and_columns(app)
        assert shown["error-bar"] == (0, header_rows, width, 1)
        assert shown["map"] == (0, header_rows + 1, width - side_width, map_rows - 1)
        assert shown["bottom"] == (0, height - 3, width, 3)
        # Presentation: the headline on top, the map across the whole width.
        await pilot.press("f")
        await settle(pilot)
        shown = _rows_and_columns(app)
        assert set(shown) == {"headline", "error-bar", "map", "bottom"}
        assert shown["headline"][:3] == (0, 0, width)
        assert shown["error-bar"][1] == shown["headline"][3]
        assert shown["map"] == (0, shown["headline"][3] + 1, width, height - 3 - shown["headline"][3] - 1)

    ui.drive(app, body, size=size)


@pytest.mark.parametrize("size", [(1, 1), (20, 5), (59, 30)])
def test_starting_too_small_shows_the_message(syria, ui, size):
    app = SitboardApp(Timeline(syria))

    async def body(pilot):
        assert app.has_class("-too-small")
        assert f"now {size[0]}x{size[1]}" in ui.content_of(app.query_one("#too-small", Static))
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not app.has_class("-too-small")

    ui.drive(app, body, size=size)


# -- ASCII mode ---------------------------------------------------------------------------


def _assert_ascii(ui, app, where: str) -> None:
    bad = ui.non_ascii(ui.screen_lines(app))
    assert not bad, f"non-ASCII on screen ({where}): " + ", ".join(
        f"{ch!r} U+{ord(ch):04X} at {pos[:3]}" for ch, pos in bad.items()
    )


@pytest.mark.parametrize("size", [(160, 50), (80, 24)])
def test_ascii_mode_draws_only_ascii(syria, ui, size):
    app = SitboardApp(Timeline(syria), ascii_only=True)

    async def body(pilot):
        _assert_ascii(ui, app, "step 0")
        await pilot.press("end")
        await settle(pilot)
        _assert_ascii(ui, app, "last step")
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        _assert_ascii(ui, app, "help")
        await pilot.press("escape", "g")
        await settle(pilot)
        _assert_ascii(ui, app, "go to")
        await pilot.press(*"zz", "enter")
        await settle(pilot)
        _assert_ascii(ui, app, "go to error")
        await pilot.press("escape", "home", "space")
        await settle(pilot)
        _assert_ascii(ui, app, "playing")
        await pilot.press("space", "t")
        await settle(pilot, 3)
        assert app.screen.query(Toast)  # the theme toast is up
        _assert_ascii(ui, app, "notification")
        await pilot.press("a", "f")
        await settle(pilot)
        _assert_ascii(ui, app, "areas, presentation")

    ui.drive(app, body, size=size, notifications=True)


def test_ascii_mode_town_screen_and_figures(small, ui):
    app = SitboardApp(Timeline(small), BoardState(step=2), ascii_only=True)

    async def body(pilot):
        _assert_ascii(ui, app, "figures and unquantified flows")
        assert ">= 12,000 + many (unquantified)" in ui.content_of(app.query_one(DisplacementPanel))
        app.select_town("north")
        await settle(pilot)
        _assert_ascii(ui, app, "town screen")

    ui.drive(app, body, size=(120, 40))


@pytest.mark.parametrize("size", [(60, 16), (120, 40), (160, 50)])
def test_timeline_strip_dates_are_never_garbled(syria, ui, size):
    """The strip's second row carries whole dates only: the current one under
    the marker never overwrites part of the first or last date."""
    app = SitboardApp(Timeline(syria))
    dates = {e.time.text[:10] for e in syria.events}

    async def body(pilot):
        strip = app.query_one(BottomBar)
        for step in range(app.timeline.steps + 1):
            app.go_to(step)
            await pilot.pause()
            row = ui.screen_lines(app)[strip.region.y + 1]  # the strip's second row, as drawn
            words = row.split()
            assert words, (step, row)
            assert all(w in dates or w == "START" for w in words), (step, row)
            current = syria.events[step - 1].time.text[:10] if step else "START"
            assert current in words, (step, row)
            assert len(words) == len(set(words)), (step, row)

    ui.drive(app, body, size=size)


def test_ascii_mode_command_palette(syria, ui):
    app = SitboardApp(Timeline(syria), ascii_only=True)

    async def body(pilot):
        await pilot.press("ctrl+p")
        await settle(pilot)
        _assert_ascii(ui, app, "palette, empty")
        hits = await _palette_hits(app, pilot, "Hama")
        assert _hit("town", "Hama") in hits
        _assert_ascii(ui, app, "palette with hits")
        await pilot.press("escape")
        await settle(pilot)
        app.search_themes()  # the palette's "Change theme" command
        await settle(pilot, 3)
        assert isinstance(app.screen, CommandPalette)
        _assert_ascii(ui, app, "theme picker")

    ui.drive(app, body, size=(100, 30))


def test_a_new_file_is_cached_after_the_first_frame_not_before(tmp_path, monkeypatch, ui):
    """`sitboard FILE` shows the board first and writes the cache entry behind it."""
    from sitboard.app.launch import file_source, open_board
    from sitboard.scenario.bundled import default_scenario

    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(cache_dir))
    path = tmp_path / "board.yaml"
    path.write_bytes(default_scenario().read_bytes())
    app = open_board(file_source(path))
    assert not list(cache_dir.glob("*.sqlite"))  # validated, not yet remembered

    async def body(pilot):  # type: ignore[no-untyped-def]
        for _ in range(100):
            if list(cache_dir.glob("*.sqlite")):
                break
            await pilot.pause(0.05)
        assert len(list(cache_dir.glob("*.sqlite"))) == 1

    ui.drive(app, body)

    def no_parsing(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("parsed although cached")

    monkeypatch.setattr("sitboard.scenario.loader.parse_scenario", no_parsing)
    assert open_board(file_source(path)).scenario.title == app.scenario.title  # the next open reads the entry


def test_the_legend_keeps_each_letter_on_the_line_of_its_meaning(syria, ui):
    from sitboard.app.widgets.legend import Legend

    app = SitboardApp(Timeline(syria))

    async def body(pilot):  # type: ignore[no-untyped-def]
        legend = app.query_one(Legend)
        lines = [legend.render_line(y).text for y in range(legend.content_region.height)]
        text = "\n".join(lines)
        for faction in syria.factions:
            first_word = faction.name.split()[0]
            assert f" {faction.mark}  {first_word}" in text, (faction.mark, lines)

    ui.drive(app, body, size=(160, 50))


def test_a_new_panel_is_a_function_given_to_a_state_panel(syria, ui):
    """What docs/architecture.md says adding a panel takes: a pure function and one line in compose."""
    from pathlib import Path

    import sitboard.app.app
    from sitboard.app.widgets.bound import give
    from sitboard.app.widgets.text_panel import StatePanel
    from sitboard.panels.styled import Span

    def changes(situation, words):  # type: ignore[no-untyped-def]
        return (Span(f"{len(situation.changed)} change(s) at step {situation.step}", "strong"),)

    class Board(SitboardApp):
        CSS_PATH = str(Path(sitboard.app.app.__file__).with_name("app.tcss"))  # a subclass elsewhere finds it

        def compose(self):  # type: ignore[no-untyped-def]
            yield from super().compose()
            yield give(
                StatePanel(describe=changes, title="Changes", id="changes"),
                self.state,
                self.timeline,
                SitboardApp.state,
                SitboardApp.timeline,
            )

    app = Board(Timeline(syria), BoardState(step=HAMA_STEP))

    async def body(pilot):  # type: ignore[no-untyped-def]
        panel = app.query_one("#changes", StatePanel)
        assert ui.content_of(panel) == f"1 change(s) at step {HAMA_STEP}" and panel.title == "Changes"
        await pilot.press("right")
        assert ui.content_of(panel) == f"0 change(s) at step {HAMA_STEP + 1}"

    ui.drive(app, body)
