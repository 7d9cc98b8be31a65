"""Where a piece of a test document is, as the checker's messages say it (`FILE:LINE:COL`).

Found by plain string search in the document's text, independently of the
loader, so that a loader pointing at the wrong place fails the test.
"""

from __future__ import annotations


def at(text: str, needle: str, nth: int = 1, *, file: str = "s.yaml", after: str = "") -> str:
    """`FILE:LINE:COL` of the nth occurrence of `needle` in `text` (1-based, in characters).

    A `|` in the needle marks the exact spot: `at(doc, "lat: |95")` is where 95 starts.
    With `after`, the search starts past the first occurrence of that text.
    """
    prefix, _, rest = needle.rpartition("|")
    needle = prefix + rest
    offset = text.index(after) + len(after) - 1 if after else -1
    for _ in range(nth):
        offset = text.find(needle, offset + 1)
        assert offset >= 0, f"{needle!r} occurs fewer than {nth} times in the test document"
    offset += len(prefix)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{file}:{line}:{column}"
