"""`json.dumps(value, ensure_ascii=False, indent=n)`, byte for byte, at the speed of the C encoder.

CPython 3.11 encodes in C only without indentation: with `indent` it runs
the pure-Python encoder, a generator per container and a call per value,
which was most of `export --format json` at 300,000 events (20,000 towns,
30,000 flows and thousands of tallies, each a small object). Most
containers of an export are leaves (scalars inside, or empty containers,
which are `[]` and `{}` however indented), and an indented leaf differs from
a compact one only in what separates its items: the C encoder writes it
when told that the separator is a comma, a newline and the leaf's
indentation, and the brackets get their newlines here. Containers that
hold non-empty containers are walked here, one level at a time.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

try:
    from _json import encode_basestring, make_encoder
except ImportError:  # an interpreter without the C encoder: json.dumps itself
    make_encoder = None  # type: ignore[assignment,misc]

_CONTAINERS = (dict, list, tuple)
_SCALARS = frozenset((str, int, float, bool, type(None)))
_ONLY_DICTS = frozenset((dict,))
_STRINGS = frozenset((str,))


class _Unusual(Exception):
    """A key that is not a string in a container of containers: left to `json.dumps` itself."""


def _default(value: Any) -> Any:
    return json.JSONEncoder().default(value)  # raises the TypeError json.dumps raises


class IndentedEncoder:
    """Writes values as `json.dumps(value, ensure_ascii=False, indent=indent)` does."""

    def __init__(self, indent: int) -> None:
        self._indent = indent
        self._leaf: list[make_encoder] = []  # per level, the C encoder writing a leaf at that level

    def dumps(self, value: Any) -> str:
        if make_encoder is None:
            return json.dumps(value, ensure_ascii=False, indent=self._indent)
        out: list[str] = []
        try:
            self._write(value, 0, out)
        except _Unusual:
            return json.dumps(value, ensure_ascii=False, indent=self._indent)
        return "".join(out)

    def _encoder_at(self, level: int) -> make_encoder:
        while len(self._leaf) <= level:
            pad = "\n" + " " * (self._indent * (len(self._leaf) + 1))
            # no markers: a leaf cannot contain itself, and the walk below meets only what json.dumps would
            self._leaf.append(
                make_encoder(None, _default, encode_basestring, None, ": ", "," + pad, False, False, True)
            )
        return self._leaf[level]

    def _rows(self, rows: list[dict[str, Any]], level: int) -> str:
        """A list of leaf objects (the towns, the flows) in one call of the C encoder.

        Written as one leaf one level deeper, the list's own items are
        separated like the objects' items; between two objects that separator
        comes after a `}` and before a `{`, which inside an object it never
        does (a key follows it there), and a string holds no raw newline.
        """
        p0, p1, p2 = (" " * (self._indent * k) for k in (level, level + 1, level + 2))
        text = "".join(self._encoder_at(level + 1)(rows, 0))  # [{a,\nP2b},\nP2{c}]
        body = text[2:-2].replace(f"}},\n{p2}{{", f"\n{p1}}},\n{p1}{{\n{p2}")
        return f"[\n{p1}{{\n{p2}{body}\n{p1}}}\n{p0}]"

    def _named_rows(self, keys: list[str], rows: list[dict[str, Any]], level: int) -> str:
        """An object of leaf objects: written as the list of them, cut where one ends, and named."""
        p0, p1, p2 = (" " * (self._indent * k) for k in (level, level + 1, level + 2))
        bodies = "".join(self._encoder_at(level + 1)(rows, 0))[2:-2].split(f"}},\n{p2}{{")
        named = (f"\n{p1}{encode_basestring(k)}: {{\n{p2}{body}\n{p1}}}" for k, body in zip(keys, bodies, strict=True))
        return "{" + ",".join(named) + f"\n{p0}}}"

    def _write(self, value: Any, level: int, out: list[str]) -> None:
        if isinstance(value, dict):
            items: Any = value.values()
        elif isinstance(value, (list, tuple)):
            items = value
        else:
            out += self._encoder_at(level)(value, 0)
            return
        if _leaf(items):
            if not value:
                out.append("{}" if isinstance(value, dict) else "[]")
                return
            text = "".join(self._encoder_at(level)(value, 0))  # "{a,PADb}": the brackets want their own lines
            out.append(
                f"{text[0]}\n{' ' * (self._indent * (level + 1))}{text[1:-1]}\n{' ' * (self._indent * level)}{text[-1]}"
            )
            return
        if type(value) is list and _rows_of_leaves(value):
            out.append(self._rows(value, level))
            return
        if (
            type(value) is dict
            and _STRINGS.issuperset(map(type, value))
            and _rows_of_leaves(rows := list(value.values()))
        ):
            out.append(self._named_rows(list(value), rows, level))  # the tallies by place
            return
        pad = "\n" + " " * (self._indent * (level + 1))
        sep = pad
        if isinstance(value, dict):
            out.append("{")
            for key, item in value.items():
                if not isinstance(key, str):
                    raise _Unusual
                out.append(f"{sep}{encode_basestring(key)}: ")
                self._write(item, level + 1, out)
                sep = "," + pad
            out.append(f"\n{' ' * (self._indent * level)}}}")
        else:
            out.append("[")
            for item in value:
                out.append(sep)
                self._write(item, level + 1, out)
                sep = "," + pad
            out.append(f"\n{' ' * (self._indent * level)}]")


def _leaf(items: Any) -> bool:
    """Whether these values are all scalars or empty containers (an indented leaf is a compact one, newlines aside)."""
    return _SCALARS.issuperset(map(type, items)) or not any(isinstance(v, _CONTAINERS) and v for v in items)


def _rows_of_leaves(rows: list[Any]) -> bool:
    """Whether a list holds only non-empty objects that are leaves: in C when all their values are scalars."""
    if not (_ONLY_DICTS.issuperset(map(type, rows)) and all(rows)):
        return False
    return _SCALARS.issuperset(map(type, chain.from_iterable(map(dict.values, rows)))) or all(
        _leaf(row.values()) for row in rows
    )


def dumps_indented(value: Any, indent: int) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=indent)`, the same text, faster."""
    return IndentedEncoder(indent).dumps(value)
