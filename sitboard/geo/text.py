"""Scenario text made safe and measurable for a terminal grid.

Town names come from user files and may be in any script. Three things can go
wrong on a terminal map: a name carries control characters (an ESC could
repaint the screen), a right-to-left name shows up backwards because most
terminals do no bidi reordering, and a CJK or emoji name takes two cells per
character so labels drift out of alignment. ``display`` fixes the first two and
``cell_width`` / ``truncate`` make the third measurable.

Widths follow what common terminals (wcwidth-style) do: East Asian Wide and
Fullwidth characters and emoji take 2 cells, combining marks and other
zero-width characters 0, everything else (including East Asian Ambiguous) 1.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from sitboard.scenario.cleantext import clean

_ZWJ = "\u200d"
_VS16 = "\ufe0f"  # asks for emoji presentation: the base becomes 2 cells wide
_RTL_CLASSES = frozenset(("R", "AL"))


@lru_cache(maxsize=8192)
def cell_width(text: str) -> int:
    """Terminal cells needed to show ``text`` (wide chars 2, zero-width 0)."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(width for _, width in clusters(text))


def clusters(text: str) -> list[tuple[str, int]]:
    """``text`` split into what a terminal draws as one glyph, each with its width.

    A cluster is a base character plus the zero-width characters after it
    (combining marks, variation selectors, joiners). A base followed by
    VS16 (emoji presentation) becomes 2 cells wide, and an emoji joined to the
    previous emoji by ZWJ adds nothing (modern terminals draw one glyph); a
    ZWJ after an emoji that joins nothing is dropped.
    Control characters are dropped: they draw nothing and must not be
    written. Zero-width characters with no base form a cluster of width 0.
    """
    out: list[tuple[str, int]] = []
    joined = False  # previous character was a ZWJ after an emoji: this one joins in
    for ch in text:
        w = char_width(ch)
        if w == 0:
            if unicodedata.category(ch) == "Cc":
                continue
            if not out:
                out.append((ch, 0))
                continue
            base, base_width = out[-1]
            if ch == _VS16 and base_width == 1:
                base_width = 2
            out[-1] = (base + ch, base_width)
            joined = ch == _ZWJ and base_width == 2  # not Indic/Arabic ZWJ, which joins letters
            continue
        if joined:
            joined = False
            base, base_width = out[-1]
            if w == 2:
                out[-1] = (base + ch, base_width)
                continue
            out[-1] = (base[:-1], base_width)  # a joiner that joins nothing would merge with the next write
        out.append((ch, w))
    if joined:
        out[-1] = (out[-1][0][:-1], out[-1][1])
    return out


def char_width(ch: str) -> int:
    """Cells for one code point, ignoring its neighbours."""
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return 1
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf", "Cc") or 0x1160 <= code <= 0x11FF:  # + Hangul medial jamo
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def is_rtl(text: str) -> bool:
    """True if any character is strongly right-to-left (Hebrew, Arabic, ...)."""
    if text.isascii():
        return False
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


BIDI_CHOICES = ("auto", "on", "off")
_reorder = [True]  # whether `display` puts right-to-left text in visual order (see `set_bidi`)


def set_bidi(reorder: bool) -> None:
    """Say whether `display` reorders right-to-left text (True: the output does no bidi of its own).

    A terminal that does no bidi (most) needs visual order; a terminal that
    does (Konsole, mlterm), and every picture or text a viewer opens later
    (SVG in a browser, text in an editor), reorders by itself and would undo
    ours: those get logical order. One process draws for one such output, so
    this is set once, before anything is drawn.
    """
    if _reorder[0] != reorder:
        _reorder[0] = reorder
        display.cache_clear()


def terminal_reorders(choice: str, environ: Mapping[str, str]) -> bool:
    """`--bidi on|off|auto` as "sitboard must reorder": auto is off in terminals known to do bidi themselves."""
    if choice != "auto":
        return choice == "on"
    does_bidi = "KONSOLE_VERSION" in environ or "MLTERM" in environ or environ.get("TERM", "").startswith("mlterm")
    return not does_bidi


@lru_cache(maxsize=8192)
def display(text: str, *, ascii: bool = False) -> str:
    """``text`` ready to be written left to right into terminal cells.

    Control characters (C0, C1, ESC, DEL) and bidi overrides are always
    removed, so a scenario cannot inject escape sequences. With ``ascii`` the
    text is transliterated by anyascii and anything that is not printable
    7-bit ASCII is dropped. Otherwise text containing right-to-left characters
    is returned in visual order (python-bidi's ``get_display``) when the
    output does no bidi itself (`set_bidi`; the default), because most
    terminals print code points strictly left to right; Arabic letters are not
    re-shaped.
    """
    text = clean(text)
    if ascii:
        if not text.isascii():
            from anyascii import anyascii  # 15 ms to import: only --ascii pays it

            text = anyascii(text)
        return "".join(ch for ch in text if " " <= ch <= "~")
    if _reorder[0] and is_rtl(text):
        from bidi import get_display

        shown: str = get_display(text)
        return shown
    return text


def truncate(text: str, max_cells: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``max_cells`` cells, marked with ``ellipsis``.

    Cuts never split a wide character or separate a combining mark from its
    base. Truncate the *logical* text before ``display`` so that a
    right-to-left name loses its end rather than its beginning.
    """
    if cell_width(text) <= max_cells:
        return text
    if max_cells <= 0:
        return ""
    room = max_cells - cell_width(ellipsis)
    if room < 0:
        return _prefix(text, max_cells)
    return _prefix(text, room).rstrip() + ellipsis


def _prefix(text: str, max_cells: int) -> str:
    """The longest start of ``text`` that fits in ``max_cells`` cells, whole clusters only."""
    used = 0
    kept: list[str] = []
    for cluster, width in clusters(text):
        if used + width > max_cells:
            break
        used += width
        kept.append(cluster)
    return "".join(kept)
