"""The board at one step as a Markdown briefing, for `sitboard export --format md`.

A briefing is read away from the board, so it says everything in words: holders
by name, flows with the source's own words when there is no figure, confidence
as its word. Totals follow the board's rule: a flow without `people` is never
counted as a number (`Tally.describe`).

Speaker notes are for the briefer: they appear only when asked for (`notes=True`,
`export --format md --notes`), never otherwise.

All scenario text is user text. It is cleaned of control and bidi-override
characters and escaped so that it reads as written: it cannot start a heading,
list or table, break a table cell (`|`, line breaks) or become a link or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sitboard.exports import ExportOptions
from sitboard.scenario.cleantext import clean_lines as _clean
from sitboard.scenario.control_text import change_words, control_words, group_words
from sitboard.scenario.model import (
    CONTESTED,
    UNKNOWN,
    Camera,
    Control,
    Deaths,
    Event,
    Flow,
    Place,
    Scenario,
    full_control,
)
from sitboard.scenario.palette import CONTESTED_MARK, UNKNOWN_MARK
from sitboard.state import BoardState
from sitboard.timeline import MIXED_TOWNS, DestinationKey, Situation, Tally, Timeline

NONE = "—"  # an empty table cell / a value not given
ARROW = "→"

# Inline characters that Markdown (CommonMark + GFM tables/strikethrough) could
# read as syntax anywhere in a line. `|` is escaped everywhere, not only in
# cells, so that two lines of prose can never turn into a table.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Line starts that open a block: headings, quotes, lists, setext underlines,
# thematic breaks, fences (` is already escaped), ordered list items.
_BLOCK_START = re.compile(r"^(#|>|-|\+|=)")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_URL = re.compile(r"https?://[^\s<>\\`]+\Z")


def briefing_markdown(timeline: Timeline, step: int, *, notes: bool = False) -> str:
    """The situation at `step` as a Markdown document.

    Step 0 is the start state (title, summary, control, no events); step k adds
    one section per event 1..k, with the briefer's notes if `notes`. Raises
    IndexError if `step` is outside 0..timeline.steps.
    """
    state = timeline.state_at(step)
    s = timeline.scenario
    out: list[str] = []
    out += [f"# {_heading(s.title) or 'Untitled scenario'}", ""]
    if s.subtitle and _inline(s.subtitle):
        out += [f"*{_inline(s.subtitle)}*", ""]
    out += [f"Briefing as of step {state.step} of {state.steps} ({_when(state)}).", ""]

    out += ["## Situation before the first event", ""]
    out += [_block(s.summary) if s.summary and _block(s.summary) else "No summary given.", ""]

    if state.step:
        out += [f"## Events up to step {state.step}", ""]
        holders = {t.id: full_control(t.control, t.control_state) for t in s.towns}
        for event in s.events[: state.step]:
            out += _event(s, event, holders, notes)

    out += [f"## Control at step {state.step} ({_when(state)})", ""]
    out += _control_tables(state)
    out += ["## Displacement so far", ""]
    out += _displacement(state)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# -- sections ---------------------------------------------------------------


def _event(s: Scenario, event: Event, holders: dict[str, Control], notes: bool = False) -> list[str]:
    """One event's section; `holders` is the control before it and is updated."""
    step = event.index + 1
    when = _inline(event.time.text)
    if event.until is not None:
        when += f" to {_inline(event.until.text)}"
    out = [f"### {step}. {when} {NONE} {_heading(event.title) or 'Untitled event'}", ""]
    if event.text and _block(event.text):
        out += [_block(event.text), ""]
    facts: list[str] = []
    if event.kind:
        facts.append(f"- **Kind:** {_inline(event.kind)}")
    if event.at is not None:
        facts.append(f"- **Place:** {_place(s, event.at)}{_precision(event.precision)}")
    if event.actors:
        names = "; ".join(_holder_name(s, a) for a in event.actors)
        facts.append(f"- **Actors:** {names}")
    if event.deaths is not None:
        facts.append(f"- **Deaths:** {_deaths(event.deaths)}")
    if event.view is not None:
        facts.append(f"- **View:** {_camera(s, event.view)}")
    if event.control:
        facts.append("- **Control:**")
        for town_id, after in event.controls():
            before = holders[town_id]
            town = _inline(s.town(town_id).name)
            if before.restates(after):
                facts.append(f"  - {town}: {_control(s, before)} (unchanged)")
            else:
                holders[town_id] = after
                was, now = change_words(before, after, lambda h: _holder_name(s, h))
                facts.append(f"  - {town}: {was} {ARROW} {now}")
    if event.flows:
        facts.append("- **Displacement:**")
        facts += [f"  - {_flow(s, flow)}" for flow in event.flows]
    if event.sources:
        facts.append("- **Sources:**")
        for sid in event.sources:
            src = s.source_by_id.get(sid)
            if src is None:  # the loader resolves ids; a hand-built scenario may not
                facts.append(f"  - {_inline(sid)}")
                continue
            line = _inline(src.name) or _inline(src.id)
            if src.kind:
                line += f" ({_inline(src.kind)})"
            if src.affiliation:
                line += f", close to {_holder_name(s, src.affiliation)}"
            if src.url:
                line += f" {NONE} {_url(src.url)}"
            facts.append(f"  - {line}")
    if event.confidence:
        facts.append(f"- **Confidence:** {_inline(event.confidence)}")
    if facts:
        out += [*facts, ""]
    if notes and event.notes and _block(event.notes):
        out += ["**Notes for the briefer:**", "", _block(event.notes), ""]
    return out


def _control_tables(state: Situation) -> list[str]:
    s = state.scenario
    rows = [["Faction", "Mark", "Towns held", "Population held"]]
    for faction in s.factions:
        rows.append([_inline(faction.name), _mark(faction.mark), *_held(state, faction.id)])
    for holder, name, mark in ((CONTESTED, "Contested", CONTESTED_MARK), (UNKNOWN, "Unknown", UNKNOWN_MARK)):
        if holder in state.holders:
            rows.append([name, _mark(mark), *_held(state, holder)])
    if any(c.is_mixed for c in state.controls.states.values()):
        rows.append(["Mixed control (counted for no faction)", NONE, *_held(state, MIXED_TOWNS)])
    out = [*_table(rows, right=(2, 3)), ""]
    towns = [["Town", "Kind", "Population", "Holder"]]
    states = state.controls.states
    for i, (town, holder) in enumerate(zip(s.towns, state.holders)):
        population = NONE if town.population is None else f"{town.population:,}"
        record = states.get(i)
        holder_text = _holder_name(s, holder) if record is None else _control(s, record)
        towns.append([_inline(town.name), town.kind, population, holder_text])
    return out + _table(towns, right=(2,)) + [""]


def _held(state: Situation, holder: str) -> list[str]:
    towns, population, unknown = state.held(holder)
    if towns == unknown:  # nothing held, or no held town has a population
        shown = NONE
    elif unknown:
        shown = f"{population:,} + unknown"
    else:
        shown = f"{population:,}"
    return [str(towns), shown]


def _displacement(state: Situation) -> list[str]:
    d = state.displaced
    if not len(state.flows):
        return ["No displacement recorded so far.", ""]
    out = [f"**Total displaced:** {_inline(d.total.describe())}", ""]
    if d.total.unquantified:
        out += ["Flows reported without a figure are never counted as a number.", ""]
    out += _by_town(state.scenario, "Destination", d.by_destination)
    out += _by_town(state.scenario, "Origin", d.by_origin)
    return out


def _by_town(s: Scenario, what: str, tallies: Mapping[Any, Tally]) -> list[str]:
    """Tallies by town id, or (by destination) by a group of towns that share one figure."""
    order = s.town_index

    def place(key: DestinationKey) -> tuple[int, ...]:  # a group of destinations comes after its first town
        return (order.get(key, len(order)),) if isinstance(key, str) else tuple(order[t] for t in key)

    rows = [[what, "People"]]
    for key in sorted(tallies, key=place):
        name = _town_name(s, key) if isinstance(key, str) else group_words(key, lambda t: _town_name(s, t))
        rows.append([name, _inline(tallies[key].describe())])
    return [f"### By {what.lower()}", "", *_table(rows, right=(1,)), ""]


# -- pieces -----------------------------------------------------------------


def _when(state: Situation) -> str:
    return "before the first event" if state.event is None else _inline(state.event.time.text)


def _holder_name(s: Scenario, holder: str) -> str:
    if holder == CONTESTED:
        return "contested"
    if holder == UNKNOWN:
        return "unknown"
    faction = s.faction_by_id.get(holder)
    return _inline(faction.name) if faction is not None else _inline(holder)


def _town_name(s: Scenario, town_id: str) -> str:
    i = s.town_index.get(town_id)
    return _inline(s.towns[i].name) if i is not None else _inline(town_id)


def _place(s: Scenario, place: Place) -> str:
    if place.town is not None:
        return _town_name(s, place.town)
    ns = "N" if place.lat >= 0 else "S"
    ew = "E" if place.lon >= 0 else "W"
    point = f"{abs(place.lat):.4f}° {ns}, {abs(place.lon):.4f}° {ew}"
    if place.offset is not None:
        o = place.offset
        return f"{o.km:g} km {o.toward} of {_town_name(s, o.town)} ({point})"
    return point


def _precision(precision: str) -> str:
    if precision == "exact":
        return ""
    return " (approx., near)" if precision == "near" else f" (approx., {precision} level)"


def _deaths(d: Deaths) -> str:
    return d.said()


def _camera(s: Scenario, v: Camera) -> str:
    if v.bounds is not None:
        b = v.bounds
        return f"west {b.west:g}°, south {b.south:g}°, east {b.east:g}°, north {b.north:g}°"
    return f"{', '.join(_town_name(s, t) for t in v.focus)} (margin {v.margin_km:g} km)"


def _control(s: Scenario, c: Control) -> str:
    return control_words(c, lambda h: _holder_name(s, h))


def _flow(s: Scenario, flow: Flow) -> str:
    to = (
        _town_name(s, flow.destination)
        if not flow.also_to
        else group_words(flow.destinations, lambda t: _town_name(s, t))
    )
    route = f"{_town_name(s, flow.origin)} {ARROW} {to}"
    words = _inline(flow.estimate) if flow.estimate else ""
    if flow.people is not None:
        size = f"{flow.people:,} people"
        if words:
            size += f' (source: "{words}")'
    elif words:
        size = f'"{words}" (no figure given)'
    else:
        size = "size not given"
    return f"{route}: {size}"


def _mark(mark: str) -> str:
    return _inline(mark) if mark.strip() else "(space)"


def _url(url: str) -> str:
    url = _clean(url).strip()
    return f"<{url}>" if _URL.match(url) else _inline(url)


def _table(rows: list[list[str]], right: Iterable[int] = ()) -> list[str]:
    """A GFM table; cells must already be escaped (`_inline` escapes `|` and line breaks)."""
    right = set(right)
    header, *body = rows
    align = ["---:" if i in right else "---" for i in range(len(header))]
    return ["| " + " | ".join(cells) + " |" for cells in (header, align, *([c or NONE for c in r] for r in body))]


# -- escaping ---------------------------------------------------------------


def _escape(text: str) -> str:
    return _ENTITY.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text))


def _inline(text: str | None) -> str:
    """User text on one line (a heading, list item or table cell), read literally."""
    if not text:
        return ""
    return _escape(" ".join(_clean(text).split()))


markdown_inline = _inline  # the same rule for every Markdown this package writes (the diff's too)


def _heading(text: str | None) -> str:
    """`_inline`, and a trailing `#` that would close an ATX heading is kept as text."""
    line = _inline(text)
    return line[:-1] + "\\#" if line.endswith("#") else line


def _block(text: str | None) -> str:
    """User prose as Markdown paragraphs: blank lines separate paragraphs, nothing else is syntax."""
    if not text:
        return ""
    paragraphs: list[list[str]] = [[]]
    for raw in _clean(text).split("\n"):
        line = " ".join(raw.split())  # leading spaces would make a code block, trailing ones a hard break
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        line = _escape(line)
        line = _BLOCK_START.sub(r"\\\1", line)
        line = _ORDERED.sub(r"\1\\\2", line)
        paragraphs[-1].append(line)
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def export(timeline: Timeline, state: BoardState, options: ExportOptions) -> bytes:
    """The registry's `md`: the briefing at the state's step."""
    return briefing_markdown(timeline, state.step, notes=options.notes).encode("utf-8")
