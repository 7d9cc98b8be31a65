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
from typing import Any

try:
    from _json import encode_basestring, make_encoder
except ImportError:  # an interpreter without the C encoder: json.dumps itself
    make_encoder = None  # type: ignore[assignment,misc]

_CONTAINERS = (dict, list, tuple)
_SCALARS = frozenset((str, int, float, bool, type(None)))


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

    def _write(self, value: Any, level: int, out: list[str]) -> None:
        if isinstance(value, dict):
            items: Any = value.values()
        elif isinstance(value, (list, tuple)):
            items = value
        else:
            out += self._encoder_at(level)(value, 0)
            return
        if _SCALARS.issuperset(map(type, items)) or not any(isinstance(v, _CONTAINERS) and v for v in items):
            if not value:
                out.append("{}" if isinstance(value, dict) else "[]")
                return
            text = "".join(self._encoder_at(level)(value, 0))  # "{a,PADb}": the brackets want their own lines
            out.append(
                f"{text[0]}\n{' ' * (self._indent * (level + 1))}{text[1:-1]}\n{' ' * (self._indent * level)}{text[-1]}"
            )
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


def dumps_indented(value: Any, indent: int) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=indent)`, the same text, faster."""
    return IndentedEncoder(indent).dumps(value)
