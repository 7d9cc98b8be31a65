"""Read YAML into plain nodes that remember where they came from.

We never let PyYAML construct objects: the parser's event stream is composed here
into `Scalar`, `Seq` and `Map` nodes carrying 1-based positions, and only the
handful of standard scalar types are resolved. That makes tags inert, lets every
later error point at the exact key or value, and gives hard limits on nesting
depth and alias expansion (a "billion laughs" file fails in microseconds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

try:  # libyaml is several times faster; the pure parser is a faithful fallback
    from yaml import CSafeLoader as _Loader

    _IN_C = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    _IN_C = False

from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
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


Node = Scalar | Seq | Map


class YamlProblem(Exception):
    """A YAML-level failure with the position it happened at."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


_constructor = yaml.constructor.SafeConstructor()
# PyYAML's stubs leave the resolver untyped; this is its signature.
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = Resolver().resolve


class _Mark(Protocol):
    """A place in the text, as both PyYAML's parsers give it."""

    line: int
    column: int


def _pos(mark: _Mark | None) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


# Plain scalars that start with a letter are text unless they are one of YAML
# 1.1's words for booleans and null; checking that first skips the resolver's
# regular expressions for most of a scenario's values (names, ids, titles).
_WORDS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}


def _scalar(event: yaml.ScalarEvent, line: int, col: int) -> Scalar:
    """The node for a scalar event at (line, col): its tag checked or resolved, its value constructed."""
    tag = event.tag
    value_text = event.value
    if tag is None:
        if event.style:  # quoted or block text: always a string (libyaml says '' for plain, PyYAML None)
            return Scalar(value_text, STR, value_text, line, col)
        if value_text[:1].isalpha() and value_text.lower() not in _WORDS:
            return Scalar(value_text, STR, value_text, line, col)
    if tag is None or tag == "!":
        tag = _resolve(yaml.ScalarNode, event.value, event.implicit)
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
        except (ValueError, KeyError, IndexError):  # IndexError: an empty `!!int` or `!!float`
            raise YamlProblem(line, col, f"{event.value!r} is not a valid {tag.rsplit(':', 1)[-1]}") from None
    return Scalar(value, tag, event.value, line, col)


def _check_collection_tag(event: yaml.CollectionStartEvent, expected: str) -> None:
    if event.tag not in (None, "!", expected):
        line, col = _pos(event.start_mark)
        raise YamlProblem(line, col, f"tag {event.tag!r} is not allowed: scenarios use plain YAML values")


Stream = Callable[[Map, Node], bool]


def compose(text: str | bytes, *, stream: Stream | None = None, shared: bool = False) -> Node | None:
    """Compose one YAML document into nodes; None for a document with no content.

    `stream`, if given, is handed each item of the top-level mapping's
    `events` list as soon as the item is composed, with the top mapping as
    composed so far; the item is left out of the list when it returns True
    (its nodes are then freed at once, which keeps reading a 300,000-event file
    within memory).

    `text` may be UTF-8 bytes without a byte-order mark: libyaml then reads
    them in place instead of encoding a copy of the text, and says the same.

    With `shared`, plain untagged scalars of the same text are one node, at
    the position of the first: half of a scenario's values are such repeats
    (keys, ids, kinds, dates), and not building a node for each is a sixth of
    the reading. Only a reader that never reports a position inside the
    document may ask for it (the checker's one-pass reading: any problem sends
    it to the whole-document path, which composes again without `shared`).
    Mappings, sequences and every other scalar keep their own positions.
    """
    if isinstance(text, bytes) and not _IN_C:
        text = text.decode("utf-8")  # the pure parser reads bytes differently; read what it always read
    try:
        # The parser is driven directly rather than through `yaml.parse`, whose
        # generator asks `check_event` and then `get_event` for every event.
        loader = _Loader(text)
        try:
            return _compose(loader.get_event, stream, shared)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            context = exc.context
            if (
                exc.context_mark is not None
                and exc.problem_mark is not None
                and exc.context_mark.line != exc.problem_mark.line
            ):
                # e.g. an unclosed quote fails at the end of the file: say where it was opened
                context += " (started at line {}, column {})".format(*_pos(exc.context_mark))
            what = f"{context}, {exc.problem}"
        raise YamlProblem(line, col, f"invalid YAML: {what}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        offset = exc.position if isinstance(exc.position, int) else 0
        if _IN_C:  # libyaml counts the UTF-8 bytes it read (it is given bytes, or a str it encodes)
            data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
            start = data.rfind(b"\n", 0, offset) + 1
            line = data.count(b"\n", 0, offset) + 1
            col = len(data[start:offset].decode("utf-8", "replace")) + 1  # characters, as every other column
        else:  # the pure parser counts the characters of the text
            chars = text.decode("utf-8") if isinstance(text, bytes) else text
            line = chars.count("\n", 0, offset) + 1
            col = offset - (chars.rfind("\n", 0, offset) + 1) + 1
        raise YamlProblem(
            line, col, f"invalid YAML: character {_codepoint(exc.character)} is not allowed in YAML"
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        raise YamlProblem(1, 1, f"invalid YAML: {exc}") from None


def _codepoint(character: object) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"U+{code:04X}"


def _compose(get_event: Callable[[], Any], stream: Stream | None = None, shared: bool = False) -> Node | None:  # noqa: PLR0912, PLR0915 - one loop, kept whole for speed (below)
    """Build the nodes from the parser's events, one event at a time.

    This loop runs once per event (half a million for a 4 MB scenario), so it is
    written for speed: the innermost open collection lives in local variables
    rather than in a frame object, and attaching a node is inlined.
    """
    anchors: dict[str, tuple[Node, int]] = {}
    # Plain untagged scalars resolve by their text alone, and a scenario repeats
    # the same few thousand texts (keys, ids, kinds, dates) hundreds of thousands
    # of times: resolve each text once. Reusing the first node's value and text
    # also lets the parser's duplicate strings be freed at once.
    plain: dict[str, tuple[object, str, str]] = {}
    nodes: dict[str, Scalar] = {}  # with `shared`: the node of each plain text
    # The innermost open collection: the node, how to add to it, whether it is a
    # mapping, its pending key (a mapping reads key, then value), its size in
    # values (so that aliases to it can be costed) and its anchor. `stack` saves
    # the same six for each enclosing collection; None at the document level.
    parent: Map | Seq | None = None
    add: Callable[[Any], None] | None = None
    in_map = False
    key: Scalar | None = None
    size = 0
    anchor: str | None = None
    stack: list[tuple[Any, ...]] = []
    root: Node | None = None
    documents = 0
    expansion = 0

    while True:
        event = get_event()
        kind = type(event)
        node: Node
        if kind is ScalarEvent:
            if event.tag is None and not event.style:  # plain and untagged: nearly every scalar
                if shared:
                    node = nodes.get(event.value)  # type: ignore[assignment]
                    if node is None:
                        mark = event.start_mark
                        node = nodes[event.value] = _scalar(event, mark.line + 1, mark.column + 1)
                else:
                    known = plain.get(event.value)
                    mark = event.start_mark  # both parsers give every event its marks
                    line = mark.line + 1
                    col = mark.column + 1
                    if known is None:
                        new = _scalar(event, line, col)
                        known = plain[event.value] = (new.value, new.tag, new.text)
                    value, tag, text = known
                    node = Scalar(value, tag, text, line, col)
            else:
                node = _scalar(event, *_pos(event.start_mark))
            if event.anchor:
                anchors[event.anchor] = (node, 1)
            nsize = 1
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            mark = event.start_mark
            line = mark.line + 1
            col = mark.column + 1
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem(line, col, f"nesting deeper than {MAX_DEPTH} levels: a scenario is never this deep")
            stack.append((parent, add, in_map, key, size, anchor))
            if kind is MappingStartEvent:
                if event.tag is not None:
                    _check_collection_tag(event, MAP)
                parent = Map([], line, col)
                add = parent.pairs.append
                in_map = True
            else:
                if event.tag is not None:
                    _check_collection_tag(event, SEQ)
                top = parent
                parent = Seq([], line, col)
                add = parent.items.append
                in_map = False
                if (
                    stream is not None
                    and len(stack) == 2
                    and isinstance(top, Map)
                    and key is not None
                    and key.text == "events"
                ):
                    add = _streaming(stream, top, add)  # `top` is the document's mapping: `key` is its pending key
            key = None
            size = 1
            anchor = event.anchor
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            node, nsize, done_anchor = parent, size, anchor  # type: ignore[assignment]
            parent, add, in_map, key, size, anchor = stack.pop()
            if done_anchor:
                anchors[done_anchor] = (node, nsize)
        elif kind is AliasEvent:
            line, col = _pos(event.start_mark)
            target = anchors.get(event.anchor)
            if target is None:
                raise YamlProblem(line, col, f"unknown alias *{event.anchor}")
            node, nsize = target
            expansion += nsize
            if expansion > MAX_EXPANSION:
                raise YamlProblem(
                    line, col, f"aliases expand to more than {MAX_EXPANSION:,} values: refusing a document this large"
                )
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                line, col = _pos(event.start_mark)
                raise YamlProblem(line, col, "a scenario file holds one YAML document, found a second '---'")
            continue
        elif kind is StreamEndEvent or event is None:  # None: the parser has no more events
            return root
        else:  # stream start, document end
            continue

        # Attach `node`, worth `nsize` values, to the innermost open collection.
        if in_map:
            if key is None:
                if not isinstance(node, Scalar):
                    raise YamlProblem(node.line, node.column, "mapping keys must be plain scalars")
                key = node
            else:
                if key.tag == MERGE:
                    parent.merges = True  # type: ignore[union-attr]
                add((key, node))  # type: ignore[misc]
                key = None
            size += nsize
        elif parent is not None:
            add(node)  # type: ignore[misc]
            size += nsize
        else:
            root = node


def _streaming(stream: Stream, top: Map, append: Callable[[Any], None]) -> Callable[[Any], None]:
    """`append` for the top-level events list, handing each item to `stream` first."""

    def add(node: Node) -> None:
        if not stream(top, node):
            append(node)

    return add


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
