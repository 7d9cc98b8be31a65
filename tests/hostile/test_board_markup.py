"""No scenario text, file name, theme name or error message is ever read as markup.

Rich and Textual read `[...]` in a string as markup: `[/]` closes nothing and
stopped the board, `[sic]` looks like a style and vanished, `[@click=app.quit]`
is an action. Every surface that shows user text is opened here on text like
that; the board must keep running and show it as written (cleaned of control
characters and put in reading order, as all text on the board is: `look.text`).
The error bar and the reload toast are in test_live_hostile.py.
"""

from __future__ import annotations

from functional.conftest import SMALL, content_of, drive, scenario_from, screen_lines
from functional.test_live import atomic_write, until
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from strategies import hostile_scenarios, markup_text, yaml_quoted
from textual.command import CommandList, CommandPalette

from sitboard.app.app import SitboardApp
from sitboard.app.launch import file_source, read
from sitboard.app.screens import GotoScreen, HelpScreen, TownScreen
from sitboard.app.widgets.event_panel import EventPanel
from sitboard.app.widgets.headline import Headline
from sitboard.state import BoardState
from sitboard.timeline import Timeline

TITLES = ("Shelling [/] continues", "Army [sic] withdraws")
TOWN = "North [@click=app.quit]town"


def with_titles(*titles: str, town: str = "Northtown") -> str:
    text = SMALL.replace("name: Northtown", f"name: {yaml_quoted(town)}")
    for old, new in zip(("Blue takes Northtown", "Red takes Westville"), titles):
        text = text.replace(f"title: {old}", f"title: {yaml_quoted(new)}")
    return text


def hit(kind: str, text: str) -> str:
    """A palette hit as shown: its kind in a column, then its text."""
    from sitboard.app.commands import KIND_WIDTH

    return kind.ljust(KIND_WIDTH) + text


async def palette_prompts(pilot, app: SitboardApp) -> list[str]:  # type: ignore[no-untyped-def]
    """The palette's options as plain text, once it has listed them."""

    def listed() -> list[str]:
        if not isinstance(app.screen, CommandPalette):
            return []
        return [option.prompt.plain for option in app.screen.query_one(CommandList).options]  # type: ignore[union-attr]

    await until(pilot, lambda: any(p.startswith("town ") for p in listed()), seconds=10)
    return listed()


def test_the_palette_lists_event_titles_and_town_names_as_written():
    """Ctrl+P with an event titled `Shelling [/] continues` stopped the board."""
    scenario = scenario_from(with_titles(*TITLES, town=TOWN), "small.yaml")
    app = SitboardApp(Timeline(scenario))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("ctrl+p")
        prompts = await palette_prompts(pilot, app)
        assert hit("event", "1. 2024-01-01 Shelling [/] continues") in prompts
        assert hit("event", "2. 2024-01-02 Army [sic] withdraws") in prompts
        assert hit("town", TOWN) in prompts
        # On screen (the list may be longer than the window, so search for it), a
        # search highlights what it matched and still reads nothing as markup.
        await pilot.press(*"sic")
        assert await until(pilot, lambda: any("[sic]" in line for line in screen_lines(app)), seconds=10)
        await pilot.press(*" withdraws", "enter")
        assert await until(pilot, lambda: app.step == 2, seconds=10)
        await pilot.press("ctrl+p")
        await palette_prompts(pilot, app)
        await pilot.press(*"quit]town", "enter")  # the town, not Textual's [@click=app.quit]
        assert await until(pilot, lambda: isinstance(app.screen, TownScreen), seconds=10)
        assert app.is_running

    drive(app, body)
    assert app.crash is None


def test_an_unknown_theme_is_named_as_written():
    """`--theme '[/]'` stopped the board; a theme name with an escape sequence reached the terminal."""
    scenario = scenario_from(SMALL, "small.yaml")
    app = SitboardApp(Timeline(scenario), theme_name="[/] [sic]\x1b]0;owned\x07")

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.pause()
        lines = screen_lines(app)
        assert any("Unknown theme '[/] [sic]\\x1b]0;owned\\x07';" in line for line in lines)  # quoted: escapes shown
        assert not any("\x1b" in line or "\x07" in line for line in lines)
        assert app.theme == "textual-dark"

    drive(app, body, notifications=True)
    assert app.crash is None


def test_a_saved_picture_names_its_folder_as_written(tmp_path, monkeypatch):
    """`s` says where the picture went, and the folder's name was read as markup (`[sic]` vanished)."""
    room = tmp_path / "brief [sic]"
    room.mkdir()
    monkeypatch.chdir(room)
    scenario = scenario_from(SMALL, "small.yaml")
    app = SitboardApp(Timeline(scenario))

    async def body(pilot):  # type: ignore[no-untyped-def]
        await pilot.press("s")
        assert await until(pilot, lambda: any(room.glob("*.svg")), seconds=10)
        await pilot.pause()
        assert any("[sic]" in line for line in screen_lines(app))  # the toast wraps the path, but not within a word

    drive(app, body, notifications=True)
    assert app.crash is None


# -- every surface, on any text ------------------------------------------------------


def literally(app: SitboardApp, text: str) -> str:
    """What the board shows for `text`: cleaned and in reading order, never interpreted."""
    return app.look.text(text)


# Each example runs a board for a few seconds: few examples, and no shrinking
# (a failure is reported as drawn, which already names the text that broke it).
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=hostile_scenarios(), edit=hostile_scenarios(markup_text()), ascii_only=st.booleans())
def test_hostile_text_on_every_surface_is_shown_as_written(tmp_path_factory, drawn, edit, ascii_only):
    """Palette, help, go-to, a town's history, presentation mode and a reload, on hostile text."""
    texts, yaml = drawn
    path = tmp_path_factory.mktemp("board") / "brief [draft].yaml"
    path.write_text(yaml, encoding="utf-8")
    scenario = read(path)
    app = SitboardApp(Timeline(scenario), BoardState(step=1), ascii_only=ascii_only, source=file_source(path))
    title = literally(app, texts.events[0])

    async def body(pilot):  # type: ignore[no-untyped-def]
        assert title in app.query_one(EventPanel).content.plain
        assert literally(app, texts.title) == app.title

        await pilot.press("ctrl+p")
        prompts = await palette_prompts(pilot, app)
        assert hit("event", f"1. 2024-01-01 {title}") in prompts
        assert hit("town", literally(app, texts.towns[0])) in prompts
        await pilot.press("escape")

        await pilot.press("question_mark")
        assert await until(pilot, lambda: isinstance(app.screen, HelpScreen), seconds=10)
        await pilot.press("escape")

        await pilot.press("g")
        assert await until(pilot, lambda: isinstance(app.screen, GotoScreen), seconds=10)
        await pilot.press(*"[/]", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GotoScreen) and "'[/]'" in content_of(app.screen.query_one("#goto-error"))
        await pilot.press("escape")

        app.select_town("north")
        assert await until(
            pilot,
            lambda: isinstance(app.screen, TownScreen) and bool(app.screen.query("#town-body Static")),
            seconds=10,
        )
        history = content_of(app.screen.query_one("#town-body Static"))
        assert literally(app, texts.towns[0]) in history and literally(app, texts.factions[1]) in history
        await pilot.press("escape")

        await pilot.press("f")
        assert await until(pilot, lambda: bool(app.query(Headline)), seconds=10)
        assert title in app.query_one(Headline).content.plain
        await pilot.press("f")

        await pilot.press("ctrl+c")  # Textual's own hint is markup: shown as words, not tags
        await pilot.pause()
        assert any("Press q to quit" in line for line in screen_lines(app))

        atomic_write(path, edit[1])
        assert await until(pilot, lambda: app.reloads == 1, seconds=10)
        await pilot.pause()
        assert literally(app, edit[0].events[0]) in app.query_one(EventPanel).content.plain

    drive(app, body, notifications=True)
    assert app.crash is None and app.return_code in (None, 0)
