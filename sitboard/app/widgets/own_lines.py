"""A side panel's lines drawn as Textual's styles cache draws them, with each padded line kept.

Textual's styles cache draws every line of a widget anew when the widget is
repainted in full: it pads the content line, wraps it in a new Strip and
runs the app's line filters (ANSI to truecolor) on it. A jump repaints every
panel of the side column in full (the panels move, their texts change), 90
lines at 200x60 and 4-5 ms of a Home or End, though most of those lines were
drawn before: the town list keeps its rows and a text panel its wrapped
paragraphs, as the same Strip objects, from one jump to the next.

`PaddedLines` draws a panel's content lines itself, keeping the padded and
filtered strip of each content strip it was given (a Strip caches what a
filter made of it); the title rule is drawn by the styles cache and kept by
what it is drawn from (the title, its colours, the edge). It does so only for the box the side column's panels have: edges
drawn by Textual on top only, padding left and right only, no outline,
hatch, tint or opacity; any other box goes through the styles cache whole.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual._segment_tools import line_pad
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

KEPT = 1024  # padded lines kept per panel (a screen of rows at the two ends of the timeline, and more)
RULES_KEPT = 8  # title rules kept per panel (its hints at the start, at the end, focused or not)


class PaddedLines:
    """One panel's content lines, padded and filtered, kept by the content strip they were made from."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Strip, Hashable, Strip]] = {}  # id(content strip) -> (it, how, padded)
        self._ruled: dict[Hashable, list[Strip]] = {}  # the title rule's rows, by what they are drawn from

    def clear(self) -> None:
        self._kept.clear()
        self._ruled.clear()

    def _rules(self, widget: Widget, first: int, last: int, width: int) -> list[Strip]:
        """Rows `first` to `last` of the edge above the content (the title rule), by what Textual draws them from.

        The title says what is cut (`cut_hint`), so a jump to either end and
        back comes back to titles drawn before.
        """
        title = widget._border_title
        base_background, background = widget.background_colors
        styles = widget.styles
        how = (
            first,
            last,
            width,
            None if title is None else (title.plain, tuple(title.spans)),
            widget._get_title_style_information(base_background),
            styles.border_title_align,
            styles.border,
            base_background,
            background,
            tuple(widget.get_line_filters()),
        )
        rows = self._ruled.get(how)
        if rows is None:
            if len(self._ruled) >= RULES_KEPT:
                self._ruled.clear()
            rows = self._ruled[how] = Widget.render_lines(widget, Region(0, first, width, last - first))
        return list(rows)

    def render_lines(self, widget: Widget, crop: Region) -> list[Strip] | None:
        """`Widget.render_lines(widget, crop)`, or None for a box this does not draw (see the module)."""
        if not _padded_box(widget):
            return None
        styles = widget.styles
        width = widget.region.width  # the whole box: `size` is the content's
        top = styles.gutter.top  # the title rule's row (no padding above)
        content_width, content_height = widget.content_region.size
        pad_left, pad_right = styles.padding.left, styles.padding.right
        base_background, background = widget.background_colors
        inner = widget._styles_cache.get_inner_outer(base_background, background)[0].rich_style
        filters = tuple(widget.get_line_filters())
        how = (content_width, width, pad_left, pad_right, inner, filters, background)
        first, last = crop.y, crop.bottom
        strips = self._rules(widget, first, min(last, top), width) if first < top else []
        kept = self._kept
        for y in range(max(first, top), last):
            content_y = y - top
            line = widget.render_line(content_y) if content_y < content_height else None
            found = kept.get(id(line)) if line is not None else None
            if found is not None and found[0] is line and found[1] == how:
                strips.append(found[2])
                continue
            content = line.adjust_cell_length(content_width, inner) if line is not None else None
            if content is None:
                content = Strip.blank(content_width, inner)
            padded = Strip(line_pad(content, pad_left, pad_right, inner), width)
            for line_filter in filters:
                padded = padded.apply_filter(line_filter, background)
            if line is not None:
                if len(kept) >= KEPT:
                    kept.clear()
                kept[id(line)] = (line, how, padded)
            strips.append(padded)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips


def _padded_box(widget: Widget) -> bool:
    """Whether Textual's styles cache draws each content line as the line padded left and right, and no more."""
    styles = widget.styles
    (_, (right, _), (bottom, _), (left, _)) = styles.border
    hover = widget.hover_style
    return (
        not widget.BLANK
        and not (right or bottom or left)
        and not styles.padding.top
        and not styles.padding.bottom
        and not any(edge for edge, _ in styles.outline)
        and not styles.tint.a
        and widget.opacity == 1.0
        and styles.text_opacity == 1.0
        and (not styles.has_rule("hatch") or styles.hatch == "none")
        and not (widget.auto_links and hover._link_id and hover._meta and "@click" in hover.meta)
    )
