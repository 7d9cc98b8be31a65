"""Read YAML into plain nodes that remember where they came from.

We never let PyYAML construct objects: the parser's event stream is composed here
into `Scalar`, `Seq` and `Map` nodes carrying 1-based positions, and only the
handful of standard scalar types are resolved. That makes tags inert, lets every
later error point at the exact key or value, and gives hard limits on nesting
depth and alias expansion (a "billion laughs" file fails in microseconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

import yaml

try:  # libyaml is several times faster; the pure parser is a faithful fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from yaml.resolver import Resolver

MAX_DEPTH = 64
MAX_EXPANSION = 100_000  # nodes that aliases may add beyond those written out

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MERGE = "tag:yaml.org,2002:merge"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
_SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL, TIMESTAMP, MERGE}


@dataclass(slots=True)
class Scalar:
    value: object  # str, int, float, bool, None; timestamps stay as their text
    tag: str
    text: str
    line: int
    column: int


@dataclass(slots=True)
class Seq:
    items: list[Node]
    line: int
    column: int


@dataclass(slots=True)
class Map:
    # (key, value) pairs in file order; keys are scalars (other keys are rejected)
    pairs: list[tuple[Scalar, Node]] = field(default_factory=list)
    line: int = 1
    column: int = 1
    merges: bool = False  # has a `<<` key, noted while composing so lookups need not scan


Node = Union[Scalar, Seq, Map]


class YamlProblem(Exception):
    """A YAML-level failure with the position it happened at."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


_resolver = Resolver()
_constructor = yaml.constructor.SafeConstructor()


def _pos(mark: yaml.Mark | None) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


# Plain scalars that start with a letter are text unless they are one of YAML
# 1.1's words for booleans and null; checking that first skips the resolver's
# regular expressions for most of a scenario's values (names, ids, titles).
_WORDS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}


def _scalar(event: yaml.ScalarEvent) -> Scalar:
    mark = event.start_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    tag = event.tag
    value_text = event.value
    if tag is None:
        if event.style:  # quoted or block text: always a string (libyaml says '' for plain, PyYAML None)
            return Scalar(value_text, STR, value_text, line, col)
        if value_text[:1].isalpha() and value_text.lower() not in _WORDS:
            return Scalar(value_text, STR, value_text, line, col)
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    elif tag not in _SCALAR_TAGS:
        raise YamlProblem(line, col, f"tag {tag!r} is not allowed: scenarios use plain YAML values")
    value: object
    if tag in (STR, TIMESTAMP):
        value = event.value
    elif tag == MERGE:
        value = "<<"
    else:
        node = yaml.ScalarNode(tag, event.value)
        try:
            value = {
                INT: _constructor.construct_yaml_int,
                FLOAT: _constructor.construct_yaml_float,
                BOOL: _constructor.construct_yaml_bool,
                NULL: _constructor.construct_yaml_null,
            }[tag](node)
        except (ValueError, KeyError):
            raise YamlProblem(line, col, f"{event.value!r} is not a valid {tag.rsplit(':', 1)[-1]}") from None
    return Scalar(value, tag, event.value, line, col)


def _check_collection_tag(event: yaml.CollectionStartEvent, expected: str) -> None:
    if event.tag not in (None, "!", expected):
        line, col = _pos(event.start_mark)
        raise YamlProblem(line, col, f"tag {event.tag!r} is not allowed: scenarios use plain YAML values")


def compose(text: str) -> Node | None:
    """Compose one YAML document into nodes; None for a document with no content."""
    try:
        return _compose(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            context = exc.context
            if exc.context_mark is not None and exc.problem_mark is not None and exc.context_mark.line != exc.problem_mark.line:
                # e.g. an unclosed quote fails at the end of the file: say where it was opened
                context += " (started at line {}, column {})".format(*_pos(exc.context_mark))
            what = f"{context}, {exc.problem}"
        raise YamlProblem(line, col, f"invalid YAML: {what}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        offset = exc.position if isinstance(exc.position, int) else 0
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise YamlProblem(line, col, f"invalid YAML: character {_codepoint(exc.character)} is not allowed in YAML") from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        raise YamlProblem(1, 1, f"invalid YAML: {exc}") from None


def _codepoint(character: object) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"U+{code:04X}"


def _compose(events) -> Node | None:  # type: ignore[no-untyped-def]
    anchors: dict[str, tuple[Node, int]] = {}
    # Each frame: [node, size, pending_key, anchor]; sizes let aliases be costed.
    stack: list[list] = []  # type: ignore[type-arg]
    root: Node | None = None
    documents = 0
    expansion = 0

    def attach(node: Node, size: int) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        frame = stack[-1]
        frame[1] += size
        parent = frame[0]
        if isinstance(parent, Seq):
            parent.items.append(node)
        elif frame[2] is None:
            if not isinstance(node, Scalar):
                raise YamlProblem(node.line, node.column, "mapping keys must be plain scalars")
            frame[2] = node
        else:
            key = frame[2]
            if key.tag == MERGE:
                parent.merges = True
            parent.pairs.append((key, node))
            frame[2] = None

    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            node = _scalar(event)
            if event.anchor:
                anchors[event.anchor] = (node, 1)
            attach(node, 1)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                line, col = _pos(event.start_mark)
                raise YamlProblem(line, col, f"nesting deeper than {MAX_DEPTH} levels: a scenario is never this deep")
            line, col = _pos(event.start_mark)
            if kind is yaml.MappingStartEvent:
                _check_collection_tag(event, MAP)
                stack.append([Map([], line, col), 1, None, event.anchor])
            else:
                _check_collection_tag(event, SEQ)
                stack.append([Seq([], line, col), 1, None, event.anchor])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            node, size, _, anchor = stack.pop()
            if anchor:
                anchors[anchor] = (node, size)
            attach(node, size)
        elif kind is yaml.AliasEvent:
            line, col = _pos(event.start_mark)
            target = anchors.get(event.anchor)
            if target is None:
                raise YamlProblem(line, col, f"unknown alias *{event.anchor}")
            node, size = target
            expansion += size
            if expansion > MAX_EXPANSION:
                raise YamlProblem(
                    line, col, f"aliases expand to more than {MAX_EXPANSION:,} values: refusing a document this large"
                )
            attach(node, size)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                line, col = _pos(event.start_mark)
                raise YamlProblem(line, col, "a scenario file holds one YAML document, found a second '---'")
    return root


def resolve_merges(node: Map) -> list[tuple[Scalar, Node]]:
    """The mapping's pairs with YAML merge keys (`<<: *defaults`) applied.

    Keys written in the mapping win over merged ones, as in YAML 1.1.
    """
    if not node.merges:
        return node.pairs
    own = [(k, v) for k, v in node.pairs if k.tag != MERGE]
    own_keys = {k.value for k, _ in own}
    merged: list[tuple[Scalar, Node]] = []
    for key, value in node.pairs:
        if key.tag != MERGE:
            continue
        sources = value.items if isinstance(value, Seq) else [value]
        for src in sources:
            if not isinstance(src, Map):
                raise YamlProblem(src.line, src.column, "a merge key ('<<') takes a mapping or a list of mappings")
            for k, v in resolve_merges(src):
                if k.value not in own_keys:
                    own_keys.add(k.value)
                    merged.append((k, v))
    return own + merged
