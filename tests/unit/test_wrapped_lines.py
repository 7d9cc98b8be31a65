"""A panel's line count without drawing: the same number Rich's drawing gives (the side column lays out by it)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from sitboard.app.widgets.text_panel import wrapped_lines

PIECES = [*"ab \n\t-é中😀\u200b", "word", "  ", "\n\n", "unbreakablewordlongerthanthepanel"]


@settings(max_examples=600, deadline=None)
@given(
    plain=st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    width=st.integers(1, 30),
    justify=st.sampled_from([None, "left", "full", "center", "right"]),
    overflow=st.sampled_from([None, "fold", "ellipsis", "crop"]),
    no_wrap=st.sampled_from([None, True, False]),
    end=st.sampled_from(["\n", "", " ", "x\n"]),
    bold=st.integers(0, 40),
)
def test_the_count_is_the_number_of_lines_drawn(
    plain: str, width: int, justify: str | None, overflow: str | None, no_wrap: bool | None, end: str, bold: int
) -> None:
    console = Console(width=80, color_system="truecolor")
    text = Text(plain, justify=justify, overflow=overflow, no_wrap=no_wrap, end=end)  # type: ignore[arg-type]
    text.stylize("bold", 0, bold)
    options = console.options.update_width(width).update(highlight=False)
    drawn = console.render_lines(text, options, pad=True, new_lines=False)
    assert wrapped_lines(console, options, text) == len(drawn)
