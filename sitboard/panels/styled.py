"""Styled text without a toolkit: spans of text, each with a semantic role.

A role says what a span is, not how it looks: `strong`, `dim`, `em`,
`heading`, `hot` (what changed now), `badge:<holder>` (a holder's mark on its
colour), `holder:<holder>` (text in a holder's colour), `confidence:<word>`,
`subtitle`. The empty role is plain text. The board maps roles to styles in
`sitboard.app.style`; a test reads `plain` and the roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Span(NamedTuple):
    text: str
    role: str = ""


Styled = tuple[Span, ...]


def plain(styled: Iterable[Span]) -> str:
    """The text alone."""
    return "".join(span.text for span in styled)


def roles(styled: Iterable[Span]) -> dict[str, str]:
    """Each role and the text it covers, joined (for tests: `roles(s)["strong"]`)."""
    out: dict[str, str] = {}
    for span in styled:
        if span.role:
            out[span.role] = out.get(span.role, "") + span.text
    return out


def rstrip(spans: list[Span]) -> Styled:
    """The spans without the white space that ends the last of them (a panel's final line break)."""
    out = list(spans)
    while out:
        text, role = out[-1]
        stripped = text.rstrip()
        if stripped:
            out[-1] = Span(stripped, role)
            break
        out.pop()
    return tuple(out)
