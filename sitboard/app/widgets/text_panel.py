"""A panel of text under a title rule, as tall as the side column gives it, that scrolls inside itself.

It is a Line API widget with its own scroll offset rather than a ScrollView:
changing what a panel says then needs no layout pass of its own (no virtual
size, no scrollbar appearing or disappearing). The side column
(`sitboard.app.widgets.side`) asks each panel what its text needs at its
width (`need`) and gives it rows by priority (`sitboard.panels.layout`); a
panel's height changes only when what the panels need does. The title
rule says how much is cut and which key shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import DEFAULT_JUSTIFY, DEFAULT_OVERFLOW, Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.strip import Strip

from sitboard.app.style import look_for, shorten
from sitboard.app.widgets.bound import BoardWidget
from sitboard.app.widgets.own_lines import PaddedLines
from sitboard.panels.layout import Need
from sitboard.panels.styled import Styled
from sitboard.panels.words import Words
from sitboard.timeline import Situation, Timeline


def cut_hint(above: int, below: int, *, focused: bool, ascii_only: bool) -> str:
    """What a panel's title rule says of lines it cannot show: how many, and the key that shows them.

    Tab gives a panel the keyboard, and the focused panel is given all the
    rows it needs first (`sitboard.panels.layout`); the arrows then scroll it.
    """
    up, down = ("^", "v") if ascii_only else ("↑", "↓")
    parts = [f"{up} {above} more" if above > 0 else "", f"{down} {below} more" if below > 0 else ""]
    said = "  ".join(p for p in parts if p)
    if not said:
        return ""
    key = ("Up/Down" if ascii_only else "↑↓") if focused else "Tab"
    return f"{said} ({key})"


def fit_title(title: str, hint: str, width: int, *, ascii_only: bool) -> str:
    """A title rule's text in `width` cells: the hint loses its key, then its words, before the title is cut.

    Textual would cut a long title with "…", which ASCII mode never shows.
    """
    between = "-" if ascii_only else "·"
    short = re.sub(r" \([^)]*\)$", "", hint)
    for said in (hint, short, short.replace(" more", "").replace(" ", "")):
        text = f" {title} " + (f"{between} {said} " if said else "")
        if width <= 0 or cell_len(text) <= width:
            return text
    return shorten(Text(f" {title} "), width, ascii_only=ascii_only).plain


class Titled(BoardWidget):
    """A side panel's title rule: its name, and what is cut (see `cut_hint`)."""

    TITLE = ""

    def __init__(self, *, title: str | None = None, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self.title = self.TITLE if title is None else title
        self._hint = ""
        self._lines: int | None = None  # lines the side column gives this panel (None: its own height)
        self._padded = PaddedLines()  # its content lines as drawn (see `render_lines`)
        self.border_title = self._title_text()

    def _title_text(self) -> str:
        return fit_title(self.title, self._hint, self.size.width - 2, ascii_only=self.ascii_only)

    def scroll_hint(self, hint: str) -> None:
        """Say in the title rule what is cut, and how to see it (as much of it as the rule's width holds)."""
        self._hint = hint
        title = self._title_text()
        if self.border_title != title:  # setting it repaints, even to the same text
            self.border_title = title

    @property
    def shown_lines(self) -> int:
        """Lines of text on screen: what the side column gave, or the widget's own height."""
        return self._lines if self._lines is not None else max(0, self.content_region.height)

    def arranged(self, lines: int) -> None:
        """The side column gives this panel `lines` lines of text from the next frame on."""
        if lines != self._lines:
            self._lines = lines
            self.lines_changed()

    def lines_changed(self) -> None:
        """The panel shows another number of lines: say again what is cut."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # A panel draws and scrolls its own lines: its virtual size is its size, and a new one needs
        # no layout. Textual's default sets it as a reactive that asks for another layout pass of the
        # whole screen, so every change of the side column's rows was laid out twice.
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The title rule through Textual's styles cache, the content lines padded and kept (`own_lines`)."""
        drawn = self._padded.render_lines(self, crop)
        return drawn if drawn is not None else super().render_lines(crop)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._padded.clear()  # drawn in the old colours

    def on_resize(self) -> None:
        self._lines = None  # laid out: the widget's own height is the truth now
        self.lines_changed()

    def on_focus(self) -> None:
        self.lines_changed()  # the key that shows more is another one

    def on_blur(self) -> None:
        self.lines_changed()

    def need(self, width: int) -> Need:
        """Lines this panel's text takes at `width` columns."""
        raise NotImplementedError

    def content_changed(self) -> None:
        """What the panel says changed: the side column may give it other rows."""
        from sitboard.app.widgets.side import SideColumn

        if isinstance(self.parent, SideColumn):
            self.parent.arrange_panels()


def wrapped_lines(console: Console, options: ConsoleOptions, text: Text) -> int:
    """`len(console.render_lines(text, options, pad=True, new_lines=False))`, wrapping the text as Rich does and
    drawing nothing: the same choices as `Text.__rich_console__` (a trailing line break starts no line).
    An empty text, or one not ended by a line break, is drawn to be counted: Rich keeps or drops an empty
    last line there by rules of its own."""
    if not text.plain or "\n" not in text.end:
        return len(console.render_lines(text, options, pad=True, new_lines=False))
    tab_size = console.tab_size if text.tab_size is None else text.tab_size
    no_wrap = text.no_wrap if text.no_wrap is not None else bool(options.no_wrap)
    lines = text.wrap(
        console,
        options.max_width,
        justify=text.justify or options.justify or DEFAULT_JUSTIFY,
        overflow=text.overflow or options.overflow or DEFAULT_OVERFLOW,
        tab_size=tab_size or 8,
        no_wrap=no_wrap,
    )
    return len(lines)


ParagraphKey = tuple[Any, ...]
PARAGRAPHS_KEPT = 256  # wrapped paragraphs a panel keeps: its own text's, over the last steps (see `wrap_paragraphs`)


def wrap_paragraphs(
    console: Console, options: ConsoleOptions, style: Style, text: Text, kept: LRUCache[ParagraphKey, list[Strip]]
) -> list[Strip]:
    """`console.render_lines(text, options, style=style, pad=True, new_lines=False)` as strips, a paragraph at a time.

    Rich wraps every line of a text (up to a line break) on its own, so the
    lines of a text are its paragraphs' lines one after another; a paragraph
    drawn before at this width and style is taken from `kept`. A step
    changes a few paragraphs of a panel (a tally, a date): the rest were
    wrapped at an earlier step. The same cells as drawing the whole text
    (tests/unit/test_wrap_paragraphs.py); an empty paragraph is the blank
    line that drawing the whole text gives, as one segment.
    """
    width = options.max_width
    if text.end != "\n":  # Rich keeps or drops an empty last line of such a text by rules of its own
        return [
            Strip(line, width) for line in console.render_lines(text, options, style=style, pad=True, new_lines=False)
        ]
    lines: list[Strip] = []
    for paragraph in text.split("\n", allow_blank=True):
        paragraph.no_wrap, paragraph.tab_size = text.no_wrap, text.tab_size  # `split` keeps the rest
        plain = paragraph.plain
        key: ParagraphKey = (plain, tuple(paragraph.spans), paragraph.style, paragraph.justify, paragraph.overflow)
        key += (text.no_wrap, text.tab_size, width, style)
        strips = kept.get(key)
        if strips is None:
            if plain:
                drawn = console.render_lines(paragraph, options, style=style, pad=True, new_lines=False)
                strips = [Strip(line, width) for line in drawn]
            else:
                strips = [Strip([Segment(" " * width, style)], width)]
            kept.set(key, strips)
        lines += strips
    return lines


class TextPanel(Titled, can_focus=True):
    """Scrolls with Up/Down, Page keys and the wheel; ←/→ and Home/End stay the timeline's."""

    BINDINGS = [
        Binding("up", "scroll_lines(-1)", "Scroll up", show=False),
        Binding("down", "scroll_lines(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_pages(-1)", "Page up", show=False),
        Binding("pagedown", "scroll_pages(1)", "Page down", show=False),
    ]

    def __init__(self, *, title: str | None = None, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(title=title, ascii_only=ascii_only, **kwargs)
        self._text = Text()
        self._wrapped: tuple[int, list[Strip]] | None = None  # (width, lines) of `_text`
        self._paragraphs: LRUCache[ParagraphKey, list[Strip]] = LRUCache(PARAGRAPHS_KEPT)
        self._top = 0

    # -- content ---------------------------------------------------------------

    def show(self, text: Text) -> None:
        if text == self._text:  # most steps leave most panels as they were: repaint nothing
            return
        before, top = self._wrapped, self._top
        self._text = text
        self._wrapped = None
        self._top = 0
        self.content_changed()
        self._clamp()
        self._repaint_changed(before, top)

    def _repaint_changed(self, before: tuple[int, list[Strip]] | None, top: int) -> None:
        """Repaint the lines that now read otherwise; all of them if the text scrolled or was wrapped anew.

        A step changes a line or two of a list (a town's holder, a tally):
        every line repainted is a line the screen composes again, across the
        map beside it too. A line past the end of the text is drawn blank.
        """
        after = self._wrapped
        if before is None or after is None or before[0] != after[0] or top != self._top:
            self.refresh()
            return
        width, old, new = after[0], before[1], after[1]
        shown = range(top, top + max(0, self.content_region.height))
        changed = [
            Region(0, y - top, width, 1)
            for y in shown
            if (old[y] if y < len(old) else None) != (new[y] if y < len(new) else None)
        ]
        if changed:
            self.refresh(*changed)  # one call: each one costs a walk to the screen

    @property
    def content(self) -> Text:
        """What the panel shows, for tests and exports."""
        return self._text

    def need(self, width: int) -> Need:
        return Need(len(self.wrapped(width)))

    def wrapped(self, width: int) -> list[Strip]:
        """The text as lines of `width` cells, kept for the last width asked (the side column measures at the width drawn)."""
        if self._wrapped is None or self._wrapped[0] != width:
            self._wrapped = (width, self.wrap(self._text, width))
        return self._wrapped[1]

    def wrap(self, text: Text, width: int) -> list[Strip]:
        if width <= 0 or not self.is_attached:
            return []
        console = self.app.console
        options = console.options.update_width(width).update(highlight=False)
        return wrap_paragraphs(console, options, self.rich_style, text, self._paragraphs)

    def line_count(self, text: Text, width: int) -> int:
        """How many lines `wrap` gives: a part of this panel's text (the event's essentials) is counted from the
        paragraphs already wrapped for the whole."""
        return len(self.wrap(text, width))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped = None  # the lines carry the old colours (a theme change): wrap again
        self._paragraphs.clear()

    def lines_changed(self) -> None:
        self._clamp()

    # -- scrolling ---------------------------------------------------------------

    def _clamp(self) -> None:
        width = self.content_region.width
        total = len(self.wrapped(width)) if width > 0 else 0
        shown = self.shown_lines
        self._top = max(0, min(self._top, total - shown))
        below = total - self._top - shown
        self.scroll_hint(cut_hint(self._top, below, focused=self.has_focus, ascii_only=self.ascii_only))

    def action_scroll_lines(self, lines: int) -> None:
        before = self._top
        self._top += lines
        self._clamp()
        if self._top != before:
            self.refresh()

    def action_scroll_pages(self, pages: int) -> None:
        self.action_scroll_lines(pages * max(1, self.shown_lines - 1))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.action_scroll_lines(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.action_scroll_lines(-3)

    # -- Line API ---------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The hint is worked out before Textual draws the title rule, which
        # it reads first: it is then in this very paint, not in a second one.
        self._clamp()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = max(0, self.content_region.width)
        strips = self.wrapped(width)
        index = y + self._top
        if 0 <= index < len(strips):
            return strips[index]
        return Strip([Segment(" " * width, self.rich_style)], width)


Describe = Callable[[Situation, Words], Styled]


class StatePanel(TextPanel):
    """A titled text panel that says something about each step: `describe` is one of `sitboard.panels`.

    Bound to the board's `state` and `timeline`; a new step or a new
    scenario redraws it, a change of view does not (its text would be the
    same). A panel is a subclass that names its function, or this class given
    one: `StatePanel(describe=casualties, title="Casualties", id="casualties")`.
    """

    def __init__(
        self, *, describe: Describe | None = None, title: str | None = None, ascii_only: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(title=title, ascii_only=ascii_only, **kwargs)
        self._describe = describe
        self._described: tuple[Timeline, int] | None = None  # what `content` says

    def restyle(self) -> None:
        self._described = None
        super().restyle()

    def board_changed(self) -> None:
        timeline = self.timeline
        step = timeline.clamp(self.state.step)  # held in range while a reload sets the timeline, then the step
        described = self._described
        if described is not None and described[0] is timeline and described[1] == step:
            return
        self._described = (timeline, step)
        look = look_for(timeline.scenario, ascii_only=self.ascii_only, theme=self.app.current_theme)
        self.show(look.rich(self.describe(timeline.state_at(step), look.words)))

    def describe(self, situation: Situation, words: Words) -> Styled:
        if self._describe is None:
            raise NotImplementedError("a StatePanel is given `describe`, or a subclass defines it")
        return self._describe(situation, words)
