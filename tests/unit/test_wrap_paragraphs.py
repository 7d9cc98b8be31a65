"""A panel's text wrapped a paragraph at a time, kept paragraphs reused, shows the cells the whole text drawn shows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.strip import Strip

from sitboard.app.widgets.text_panel import wrap_paragraphs

CONSOLE = Console(width=120, color_system="truecolor", force_terminal=True, legacy_windows=False)
BASE = Style(color="#e0e0e0", bgcolor="#101820")
STYLES = [Style(bold=True), Style(color="red"), Style(italic=True, bgcolor="blue"), Style(dim=True)]

pieces = st.sampled_from(
    ["a", "word ", "Homs", "\n", "\n\n", "  ", "北京", "ح", "averyveryverylongword", "\t", "é", " - "]
)


def cells(strips: list[Strip]) -> list[list[tuple[str, Style | None]]]:
    return [[(ch, seg.style) for seg in strip for ch in seg.text] for strip in strips]


@settings(max_examples=400, deadline=None)
@given(
    parts=st.lists(pieces, max_size=30),
    spans=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.sampled_from(STYLES)), max_size=5),
    width=st.integers(1, 40),
    justify=st.sampled_from([None, "left", "right", "center"]),
    overflow=st.sampled_from([None, "fold", "ellipsis"]),
    no_wrap=st.sampled_from([None, False, True]),
    end=st.sampled_from(["\n", "\n", "", " ", "x\n"]),
)
def test_a_text_wrapped_a_paragraph_at_a_time_shows_what_the_whole_text_drawn_shows(
    parts, spans, width, justify, overflow, no_wrap, end
):
    text = Text("".join(parts), justify=justify, overflow=overflow, no_wrap=no_wrap, end=end)
    for a, b, style in spans:
        text.stylize(style, min(a, b), max(a, b))
    options = CONSOLE.options.update_width(width).update(highlight=False)
    whole = [Strip(line, width) for line in CONSOLE.render_lines(text, options, style=BASE, pad=True, new_lines=False)]
    kept: LRUCache = LRUCache(64)
    assert cells(wrap_paragraphs(CONSOLE, options, BASE, text, kept)) == cells(whole)
    assert cells(wrap_paragraphs(CONSOLE, options, BASE, text, kept)) == cells(whole)  # again, from what was kept


def test_a_paragraph_drawn_before_is_not_drawn_again(monkeypatch):
    options = CONSOLE.options.update_width(20).update(highlight=False)
    kept: LRUCache = LRUCache(64)
    wrap_paragraphs(CONSOLE, options, BASE, Text("Displaced so far: 3\nBy destination:\n  Homs: 2"), kept)
    drawn: list[str] = []
    original = CONSOLE.render_lines

    def spy(renderable, *args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append(renderable.plain)
        return original(renderable, *args, **kwargs)

    monkeypatch.setattr(CONSOLE, "render_lines", spy)
    wrap_paragraphs(CONSOLE, options, BASE, Text("Displaced so far: 5\nBy destination:\n  Homs: 2"), kept)
    assert drawn == ["Displaced so far: 5"]
