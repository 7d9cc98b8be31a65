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
    plain_control,
)
from sitboard.state import BoardState
from sitboard.timeline import MIXED_TOWNS, Situation, Tally, Timeline, figure

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
    """The situation at `step` as a Markdown document a briefer can send as it is.

    The bottom line first (who holds what, what changed hands since the
    start, displacement in the source's words), then the chronology (the
    start, then one section per event 1..step, with the briefer's notes if
    `notes`), then every source cited so far, once, numbered in the order they
    are first cited; events refer to them by number. Raises IndexError if
    `step` is outside 0..timeline.steps.
    """
    state = timeline.state_at(step)
    s = timeline.scenario
    out: list[str] = []
    out += [f"# {_heading(s.title) or 'Untitled scenario'}", ""]
    if s.subtitle and _inline(s.subtitle):
        out += [f"*{_inline(s.subtitle)}*", ""]

    out += [f"## Bottom line, {_when(state)}", ""]
    out += ["### Who holds what", ""]
    out += _control_tables(state)
    if state.step:
        out += ["### Changed since the start", ""]
        out += _changed_since_start(timeline, state)
    out += ["### Displacement so far", ""]
    out += _displacement(state)

    out += ["## Chronology", ""]
    out += ["### Before the first event", ""]
    out += [_block(s.summary) if s.summary and _block(s.summary) else "No summary given.", ""]
    numbers = _source_numbers(s.events[: state.step])
    holders = {t.id: full_control(t.control, t.control_state) for t in s.towns}
    for event in s.events[: state.step]:
        out += _event(s, event, holders, numbers, notes)
    if numbers:
        out += ["## Sources", ""]
        out += [f"{n}. {_source(s, sid)}" for sid, n in numbers.items()]
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# -- sections ---------------------------------------------------------------


def _event(
    s: Scenario, event: Event, holders: dict[str, Control], numbers: Mapping[str, int], notes: bool = False
) -> list[str]:
    """One event's section; `holders` is the control before it and is updated."""
    step = event.index + 1
    when = _time(event.time.text)
    if event.until is not None:
        when += f" to {_time(event.until.text)}"
    out = [f"### {step}. {when} {NONE} {_heading(event.title) or 'Untitled event'}", ""]
    if event.text and _block(event.text):
        out += [_block(event.text), ""]
    facts: list[str] = []
    if event.kind:
        facts.append(f"- **Kind:** {_inline(event.kind)}")
    if event.at is not None:
        facts.append(f"- **Place:** {_place(s, event.at, event.precision)}")
    if event.actors:
        names = "; ".join(_holder_name(s, a) for a in event.actors)
        facts.append(f"- **Actors:** {names}")
    if event.deaths is not None:
        facts.append(f"- **Deaths:** {_deaths(event.deaths)}")
    if event.view is not None:
        facts.append(f"- **View:** {_camera(s, event.view)}")
    changed: list[str] = []
    restated: list[str] = []
    for town_id, after in event.controls():
        before = holders[town_id]
        town = _inline(s.town(town_id).name)
        if before.restates(after):
            restated.append(f"  - {town}: {_control(s, before)}, unchanged")
        else:
            holders[town_id] = after
            was, now = change_words(before, after, lambda h: _holder_name(s, h))
            changed.append(f"  - {town}: {was} {ARROW} {now}")
    if changed:
        facts += ["- **Changed hands:**", *changed]
    if restated:
        facts += ["- **Control restated:**", *restated]
    if event.flows:
        facts.append("- **Displacement:**")
        facts += [f"  - {_flow(s, flow)}" for flow in event.flows]
    if event.confidence:
        facts.append(f"- **Confidence:** {_inline(event.confidence)}")
    cited = sorted({numbers[sid] for sid in event.sources if sid in numbers})
    if cited:
        facts.append(f"- **Sources:** {', '.join(str(n) for n in cited)}")
    if facts:
        out += [*facts, ""]
    if notes and event.notes and _block(event.notes):
        out += ["**Notes for the briefer:**", "", _block(event.notes), ""]
    return out


def _source_numbers(events: Iterable[Event]) -> dict[str, int]:
    """Each source cited by these events, numbered from 1 in the order it is first cited."""
    numbers: dict[str, int] = {}
    for event in events:
        for sid in event.sources:
            numbers.setdefault(sid, len(numbers) + 1)
    return numbers


def _source(s: Scenario, sid: str) -> str:
    """A source's entry in the list: its name, then its kind, its side and its address, after dashes."""
    src = s.source_by_id.get(sid)
    if src is None:  # the loader resolves ids; a hand-built scenario may not
        return _inline(sid)
    line = _inline(src.name) or _inline(src.id)
    if src.kind:
        line += f" {NONE} {_inline(src.kind)}"
    if src.affiliation:
        line += f", close to {_holder_name(s, src.affiliation)}"
    if src.url:
        line += f" {NONE} {_url(src.url)}"
    return line


def _control_tables(state: Situation) -> list[str]:
    """Who holds how many towns and which, one row per holder that holds any; population only where given."""
    s = state.scenario
    states = state.controls.states
    towns_of: dict[str, list[str]] = {}
    detail: list[str] = []
    for i, (town, holder) in enumerate(zip(s.towns, state.holders, strict=False)):
        record = states.get(i)
        key = MIXED_TOWNS if record is not None and record.is_mixed else holder
        towns_of.setdefault(key, []).append(_inline(town.name))
        if record is not None:
            detail.append(f"- {_inline(town.name)}: {_control(s, record)}")
    names = [(f.id, _inline(f.name)) for f in s.factions]
    names += [(CONTESTED, "Contested"), (UNKNOWN, "Unknown"), (MIXED_TOWNS, "Mixed control, counted for no faction")]
    held = [(holder, name, _held(state, holder)) for holder, name in names]
    with_population = any(population != NONE for holder, _, (_, population) in held if holder in towns_of)
    header = ["Holder", "Towns held", *(["Population held"] if with_population else []), "Towns"]
    rows = [header]
    for holder, name, (count, population) in held:
        if holder in towns_of:
            rows.append([name, count, *([population] if with_population else []), ", ".join(towns_of[holder])])
    out = [*_table(rows, right=(1, 2) if with_population else (1,)), ""]
    idle = [name for holder, name in names[: len(s.factions)] if holder not in towns_of]
    if idle:
        alone = " on its own" if len(idle) == 1 else " on their own"
        label = "Holding no town" + (alone if MIXED_TOWNS in towns_of else "")  # a mixed town is theirs too
        out += [f"{label}: {'; '.join(idle)}.", ""]
    if detail:
        out += ["Control in detail:", "", *detail, ""]
    return out


def _changed_since_start(timeline: Timeline, state: Situation) -> list[str]:
    """Each town whose control differs from the start's, with the date of its last change, by that date."""
    s = state.scenario
    states = state.controls.states
    lines: list[tuple[int, int, str]] = []
    for i, town in enumerate(s.towns):
        start = full_control(town.control, town.control_state)
        now = states.get(i) or plain_control(state.holders[i])
        if start.restates(now):
            continue
        last = max(step for step, _ in timeline.control_history(town.id) if step <= state.step)
        was, is_now = change_words(start, now, lambda h: _holder_name(s, h))
        when = _time(s.events[last - 1].time.text)
        lines.append((last, i, f"- {_inline(town.name)}, {when}: {was} {ARROW} {is_now} (event {last})"))
    if not lines:
        return ["No town has changed hands since the start.", ""]
    return [line for _, _, line in sorted(lines)] + [""]


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
    """The total in the source's words where there is no figure, then every flow so far with its event."""
    if not len(state.flows):
        return ["No displacement recorded so far.", ""]
    s = state.scenario
    out = [f"In all: {_total(state.displaced.total)}.", ""]
    out += [f"- {_flow(s, f.flow)} (event {f.step})" for f in state.flows]
    return [*out, ""]


def _total(total: Tally) -> str:
    """People displaced in all, never counting a flow without a figure: the source's words are quoted instead."""
    words = [_inline(w) for w in total.words]
    said = " and ".join(f'"{w}"' for w in words) + (" and others" if total.more_words else "")
    say = f"the source says {said}" if len(words) == 1 and not total.more_words else f"the sources say {said}"
    if not total.unquantified:
        return f"{figure(total.people or 0)} people"
    if total.people is None:
        return f"no figure given; {say}" if words else "no figure given"
    rest = f"; without a figure, {say}" if words else f"; {total.unquantified} flow(s) without a figure"
    return f"at least {figure(total.people)} people{rest}"


# -- pieces -----------------------------------------------------------------


def _when(state: Situation) -> str:
    return "before the first event" if state.event is None else _time(state.event.time.text)


def _time(text: str) -> str:
    """An event's time as a reader writes it: `2024-01-02 08:30`."""
    return _inline(text.replace("T", " "))


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


def _place(s: Scenario, place: Place, precision: str = "exact") -> str:
    """Where, as a reader says it: a town, a distance from one, or a point; how precise, in words."""
    if place.town is not None:
        where = _town_name(s, place.town)
    elif place.offset is not None:
        o = place.offset
        where = f"{o.km:g} km {o.toward} of {_town_name(s, o.town)}"
    else:
        ns = "N" if place.lat >= 0 else "S"
        ew = "E" if place.lon >= 0 else "W"
        where = f"{abs(place.lat):.4f}° {ns}, {abs(place.lon):.4f}° {ew}"
    if precision == "exact":
        return where
    if precision == "near":
        return f"{where}, approximately"
    return f"{where} {precision}" if place.town is not None else f"{where}, {precision} level"


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
        size = f"{figure(flow.people)} people"
        if words:
            size += f', in the source\'s words "{words}"'
    elif words:
        size = f'"{words}", no figure given'
    else:
        size = "size not given"
    return f"{route}: {size}"


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
