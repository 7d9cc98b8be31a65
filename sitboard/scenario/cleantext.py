"""Text with nothing in it that a terminal would obey instead of show.

Scenario text, file names and the command line's arguments can hold control
characters: an ESC starts a sequence that can set the window title, clear the
screen or write to the clipboard (OSC 52), C1 characters do the same on some
terminals, and bidi overrides reverse the text around them. The board, the
Markdown briefing and every line the command line prints clean their text here,
with one list of what goes.
"""

from __future__ import annotations

import re
import unicodedata

# Explicit bidi formatting characters (embeddings, overrides, isolates, marks):
# they would let a name reorder its neighbours on a bidi-capable terminal or
# renderer, and the board does the reordering itself.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = "\n\r\v\f\x85\u2028\u2029"
# A byte that was not UTF-8, as Python decodes file names and arguments (PEP 383).
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
# What JSON (with ensure_ascii=False) and YAML's double quotes leave raw but a
# terminal could obey: DEL, C1 controls, bidi formatting, line separators.
_INERT_IN_QUOTES = re.compile("[\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]")


def clean(text: str) -> str:
    """One line: control, bidi formatting and lone surrogate characters removed; line breaks and tabs are spaces."""
    if text.isascii() and text.isprintable():
        return text
    out: list[str] = []
    for ch in text:
        if ch in BIDI_CONTROLS:
            continue
        category = unicodedata.category(ch)
        if category in ("Zl", "Zp") or ch in "\t\n\r\v\f\x85":
            out.append(" ")
        elif category in ("Cc", "Cs"):  # controls; lone surrogates (from YAML escapes) cannot be printed
            continue
        else:
            out.append(ch)
    return "".join(out)


def clean_lines(text: str) -> str:
    """As `clean`, but every kind of line break becomes `\\n` (and a tab a space)."""
    if text.isascii() and all(line.isprintable() for line in text.split("\n")):
        return text
    text = text.replace("\r\n", "\n")
    out: list[str] = []
    for ch in text:
        if ch in BIDI_CONTROLS:
            continue
        if ch in _LINE_BREAKS:
            out.append("\n")
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def for_terminal(text: str) -> str:
    """What the command line prints: `clean_lines`, with a file name's undecodable bytes shown as `\\xff`."""
    if max(text, default=" ") >= "\udc80":
        text = _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)
    return clean_lines(text)


def escape_in_quotes(text: str) -> str:
    """JSON text (or YAML double-quoted scalars) with those characters as `\\uXXXX` escapes.

    The same data once parsed, but nothing in it acts on the terminal it is
    printed to. Valid because they can only appear inside quoted strings.
    """
    return _INERT_IN_QUOTES.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
