"""What changed between two steps, written out: for `sitboard diff FILE --from A --to B --format md|json|txt`.

The comparison itself is `sitboard.compare`; this writes it for people (text
for a terminal or a chat, Markdown for a document) and for tools (JSON). Text
and Markdown are one outline, written two ways: the Markdown escapes scenario
text as the briefing does, so a name cannot become a heading or a link. Totals
follow the board's rule: a flow without a figure is never a number, the
sources' words stand in for it, and a figure shared by several destinations
counts once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from sitboard.compare import Comparison, Holding, TownChange
from sitboard.exports.briefing import markdown_inline
from sitboard.exports.json_state import GROUP_JOIN, control_value
from sitboard.scenario.cleantext import clean, escape_in_quotes
from sitboard.scenario.control_text import change_words, group_words
from sitboard.scenario.model import Flow
from sitboard.scenario.palette import holders
from sitboard.timeline import MIXED_TOWNS, DestinationKey, FlowAt, Tally, figure

FORMATS = ("txt", "md", "json")
ARROW = "→"

Escape = Callable[[str], str]


class Section(NamedTuple):
    """A heading and its lines, or groups of them (a heading of their own and lines)."""

    heading: str
    lines: tuple[str, ...] = ()
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()


def render(comparison: Comparison, fmt: str) -> bytes:
    """The comparison in `fmt` (one of `FORMATS`), as the bytes to write."""
    if fmt == "json":
        text = escape_in_quotes(json.dumps(comparison_json(comparison), ensure_ascii=False, indent=2))
    elif fmt == "md":
        text = comparison_markdown(comparison)
    else:
        text = comparison_text(comparison)
    return (text.rstrip("\n") + "\n").encode("utf-8")


def comparison_text(comparison: Comparison) -> str:
    title, sections = _outline(comparison, _plain)
    out = [title, ""]
    for section in sections:
        out.append(section.heading)
        out += [f"  {line}" for line in section.lines]
        for heading, lines in section.groups:
            out.append(f"  {heading}")
            out += [f"    {line}" for line in lines]
        out.append("")
    return "\n".join(out)


def comparison_markdown(comparison: Comparison) -> str:
    title, sections = _outline(comparison, markdown_inline)
    out = [f"# {title}", ""]
    for section in sections:
        out += [f"## {section.heading}", ""]
        if section.lines:
            out += [*(f"- {line}" for line in section.lines), ""]
        for heading, lines in section.groups:
            out += [f"### {heading}", "", *(f"- {line}" for line in lines), ""]
    return "\n".join(out)


# -- the outline -------------------------------------------------------------------


def _plain(text: str) -> str:
    return " ".join(clean(text).split())


class _Names:
    def __init__(self, comparison: Comparison, esc: Escape) -> None:
        self.scenario = comparison.scenario
        self.esc = esc
        self._holders = holders(comparison.scenario)

    def holder(self, holder: str) -> str:
        return "mixed control" if holder == MIXED_TOWNS else self.esc(self._holders[holder].name)

    def town(self, town_id: str) -> str:
        return self.esc(self.scenario.town(town_id).name)

    def when(self, step: int) -> str:
        if step == 0:
            return "step 0 (the start)"
        event = self.scenario.events[step - 1]
        return f"step {step} ({self.esc(event.time.text)})"


def _outline(c: Comparison, esc: Escape) -> tuple[str, list[Section]]:
    names = _Names(c, esc)
    title = f"{esc(c.scenario.title) or 'Untitled scenario'}: what changed from {names.when(c.start)} to {names.when(c.end)}"
    return title, [_control(c, names), _net(c, names), _displacement(c, names), _events(c, names)]


def _control(c: Comparison, names: _Names) -> Section:
    n = len(c.changes)
    if not n:
        heading = "Control: no town changed hands or state"
    else:
        heading = f"Control: {n} town{'' if n == 1 else 's'} changed"
    groups = [
        (_gainer(gainer, len(towns), names), tuple(_change(ch, names) for ch in towns)) for gainer, towns in c.gains()
    ]
    if c.returned:
        groups.append(
            (
                "Changed and changed back (the same at both ends)",
                tuple(f"{names.town(ch.town)} ({_steps(ch)})" for ch in c.returned),
            )
        )
    return Section(heading, groups=tuple(groups))


def _gainer(gainer: str | None, n: int, names: _Names) -> str:
    towns = f"{n} town{'' if n == 1 else 's'}"
    if gainer is None:
        return f"Same holder, new state: {towns}"
    if gainer == MIXED_TOWNS:
        return f"Now under mixed control: {towns}"
    if gainer in ("contested", "unknown"):
        return f"Now {gainer}: {towns}"
    return f"Gained by {names.holder(gainer)}: {towns}"


def _change(ch: TownChange, names: _Names) -> str:
    was, now = change_words(ch.before, ch.after, names.holder)
    return f"{names.town(ch.town)}: {was} {ARROW} {now} ({_steps(ch)})"


def _steps(ch: TownChange) -> str:
    return ("step " if len(ch.steps) == 1 else "steps ") + ", ".join(str(s) for s in ch.steps)


def _net(c: Comparison, names: _Names) -> Section:
    return Section("Towns and known population per holder", tuple(_holding(h, names) for h in c.holdings))


def _holding(h: Holding, names: _Names) -> str:
    (t0, t1), (p0, p1), (u0, u1) = h.towns, h.population, h.unknown_population
    line = f"{names.holder(h.holder)}: {t0} {ARROW} {t1} towns ({_signed(h.net_towns)})"
    if u0 == t0 and u1 == t1:
        return f"{line}; population not given"
    line += f"; known population {figure(p0)} {ARROW} {figure(p1)} ({_signed(h.net_population)})"
    if u0 or u1:
        line += f", not counting {max(u0, u1)} town{'' if max(u0, u1) == 1 else 's'} without a population"
    return line


def _signed(n: int) -> str:
    return f"+{figure(n)}" if n > 0 else ("±0" if n == 0 else f"−{figure(-n)}")


def _displacement(c: Comparison, names: _Names) -> Section:
    if not c.flows:
        return Section("Displacement: none recorded in the window")
    heading = f"Displacement in the window: {names.esc(c.displaced.describe())}"
    lines = tuple(_flow(f, names) for f in c.flows)
    by_destination = tuple(
        f"{_destination(key, names)}: {names.esc(counted.describe())}" for key, counted in c.by_destination.items()
    )
    return Section(heading, lines, (("By destination", by_destination),))


def _destination(key: DestinationKey, names: _Names) -> str:
    return names.town(key) if isinstance(key, str) else group_words(key, names.town)


def _flow(f: FlowAt, names: _Names) -> str:
    flow = f.flow
    to = names.town(flow.destination) if not flow.also_to else group_words(flow.destinations, names.town)
    return f"{names.when(f.step)}: {names.town(flow.origin)} {ARROW} {to}: {_size(flow, names)}"


def _size(flow: Flow, names: _Names) -> str:
    said = names.esc(flow.estimate or "")
    if flow.people is not None:
        return f"{figure(flow.people)} people" + (f' (source: "{said}")' if said else "")
    return f'"{said}" (no figure given)' if said else "size not given"


def _events(c: Comparison, names: _Names) -> Section:
    if not c.events:
        return Section("Events in the window: none")
    lines = tuple(
        f"{names.when(e.index + 1)}: {names.esc(e.title) or 'Untitled event'}"
        + (f" ({names.esc(e.confidence)})" if e.confidence else "")
        for e in c.events
    )
    return Section(f"Events in the window: {len(c.events)}", lines)


# -- JSON ---------------------------------------------------------------------------


def comparison_json(c: Comparison) -> dict[str, Any]:
    s = c.scenario

    def moment(step: int) -> dict[str, Any]:
        event = s.events[step - 1] if step else None
        return {"step": step, "time": event.time.text if event else None, "title": event.title if event else None}

    def change(ch: TownChange) -> dict[str, Any]:
        return {
            "town": ch.town,
            "name": s.town(ch.town).name,
            "from": control_value(ch.before),
            "to": control_value(ch.after),
            "gained_by": ch.gainer,
            "steps": list(ch.steps),
        }

    names = _Names(c, str)  # JSON carries names as written
    return {
        "scenario": s.title,
        "from": moment(c.start),
        "to": moment(c.end),
        "changes": [change(ch) for ch in c.changes],
        "returned": [change(ch) for ch in c.returned],
        "holders": [
            {
                "id": h.holder,
                "name": names.holder(h.holder),
                "towns": list(h.towns),
                "net_towns": h.net_towns,
                # Known population: null at an end where no town held has a population given.
                "population": [p if t > u else None for t, p, u in zip(h.towns, h.population, h.unknown_population)],
                "towns_without_population": list(h.unknown_population),
            }
            for h in c.holdings
        ],
        "flows": [
            {
                "step": f.step,
                "from": f.flow.origin,
                "to": f.flow.destination if not f.flow.also_to else list(f.flow.destinations),
                "people": f.flow.people,
                "estimate": f.flow.estimate,
            }
            for f in c.flows
        ],
        "displaced": _counted(c.displaced),
        "by_destination": {
            (key if isinstance(key, str) else GROUP_JOIN.join(key)): _counted(v) for key, v in c.by_destination.items()
        },
        "events": [
            {"step": e.index + 1, "time": e.time.text, "title": e.title, "confidence": e.confidence} for e in c.events
        ],
    }


def _counted(c: Tally) -> dict[str, Any]:
    return {
        "people": c.people,
        "unquantified": c.unquantified,
        "estimates": list(c.words),
        "text": c.describe(),
    }
