"""A scenario's text without its speaker notes: what a briefing room may be sent, and the name it goes by.

Notes are for the briefer alone (docs/scenario-format.md), so a presenter that
sends its scenario to followers (`sitboard present --send-scenario`) sends
this text: the file with every `notes` value replaced by `""`, and every
other character as written. Replaced, not removed: in a flow mapping
(`{title: x, notes: y}`) removing the pair would leave a stray comma, and
`""` is text, which is all `notes` asks for. A block scalar's closing line
break is kept, so what follows it starts a line as before (a note over several
lines becomes one: the copy's line numbers are its own).

A room names a scenario by the sha256 of this text, on both sides: a
follower's own copy then matches the presenter's whatever notes either one
holds (followers never show notes), and a follower that was sent the copy
checks it against the same name.

`shareable` checks the copy by reading it: it must be the same scenario but
for the notes, or `NotesStuck` says why not (a note with an anchor that
something else refers to, say). Files without the word `notes` are their own
copy, at no cost.
"""

from __future__ import annotations

from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.model import Scenario
from sitboard.scenario.palette import ColorCheck

KEY = "notes"
EMPTY = '""'


class NotesStuck(Exception):
    """The scenario cannot be sent without its notes; the message is a sentence for the briefer."""


def without_notes(text: str) -> str:
    """`text` with every `notes` value replaced by "" (see the module's docstring).

    `text` is a scenario that has been read successfully: it is valid YAML.
    NotesStuck if the notes cannot be found.
    """
    if KEY not in text:
        return text
    spans = _note_spans(text)
    if not spans:
        return text
    out: list[str] = []
    done = 0
    for start, end in spans:
        value = text[start:end]
        kept = value[len(value.rstrip(" \t\r\n")) :]  # a block scalar's closing line breaks
        out += [text[done:start], EMPTY, kept]
        done = end
    out.append(text[done:])
    return "".join(out)


def shareable(text: str, scenario: Scenario, *, color_ok: ColorCheck | None = None) -> str:
    """`without_notes(text)`, checked to read as `scenario` without its notes; NotesStuck if it does not."""
    copy = without_notes(text)
    if copy is text:
        return copy
    try:
        again = _parse(copy, scenario.path, color_ok)
    except ScenarioError as exc:
        first = exc.problems[0].message if exc.problems else str(exc)
        raise NotesStuck(f"without its notes, the file no longer reads as a scenario ({first})") from None
    if _but_notes(again) != _but_notes(scenario):
        raise NotesStuck("without its notes, the file reads as another scenario (does a note have an anchor?)")
    return copy


def _parse(text: str, path: str, color_ok: ColorCheck | None) -> Scenario:
    from sitboard.scenario.loader import parse_scenario  # the loader imports the checker; so late

    return parse_scenario(text, path, color_ok=color_ok)


def _but_notes(scenario: Scenario) -> Scenario:
    """The scenario with no notes, and no positions (a note over several lines moves what follows)."""
    return scenario.replace(events=tuple(e._replace(notes=None, mark=None) for e in scenario.events))


def _note_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the value of every mapping key `notes`, in order."""
    import yaml

    try:
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as Loader  # type: ignore[assignment]

    spans: list[tuple[int, int]] = []
    # One entry per open collection: for a mapping, whether the next node is a key, and whether the
    # value that follows is a note; None for a sequence.
    stack: list[list[bool] | None] = []
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            stack.pop()
            _node_done(stack)
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue  # stream and document events
        top = stack[-1] if stack else None
        if top is not None:
            if top[0]:  # a key
                top[1] = isinstance(event, yaml.ScalarEvent) and event.value == KEY
            elif top[1]:  # the value of a `notes` key
                start, end = event.start_mark, event.end_mark
                if start is None or end is None:  # both of PyYAML's parsers always mark where a node is
                    raise NotesStuck("the YAML parser did not say where a note is")
                spans.append((start.index, end.index))
        if isinstance(event, yaml.MappingStartEvent):
            stack.append([True, False])
        elif isinstance(event, yaml.SequenceStartEvent):
            stack.append(None)
        else:  # a scalar or an alias: a whole node
            _node_done(stack)
    return spans


def _node_done(stack: list[list[bool] | None]) -> None:
    """A node ended inside the collection on top: a mapping's key is followed by its value, and back."""
    top = stack[-1] if stack else None
    if top is not None:
        top[0] = not top[0]
