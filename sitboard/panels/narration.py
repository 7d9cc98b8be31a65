"""One sentence per step: what a screen reader says, what goes into a chat or the minutes.

`2024-11-30: Insurgents capture Aleppo. Control: Aleppo from Government to HTS.
Reported; 2 sources.` The date, the title, the changes of control, the flows in
the sources' own words, the confidence as its word and the number of sources,
in at most `LIMIT` characters.

A sentence that would be longer is shortened honestly, never by cutting a name
or a number in half: flows, then changes, are left out from the last one on
and counted (`and 2 more changes`); only a title too long on its own is cut,
at a space, with an ellipsis. Text is in logical order (a screen reader, a
browser and a chat do their own bidi), cleaned of control characters, one line.
"""

from __future__ import annotations

from sitboard.scenario.cleantext import clean
from sitboard.scenario.control_text import change_words, listed
from sitboard.scenario.model import Flow, Scenario
from sitboard.scenario.palette import holders
from sitboard.timeline import MIXED_TOWNS, Situation, figure

LIMIT = 240
ELLIPSIS = "…"


def narration(situation: Situation, limit: int = LIMIT) -> str:
    """The step as one sentence of at most `limit` characters (see the module's docstring)."""
    names = _Names(situation.scenario)
    event = situation.event
    if event is None:
        first = situation.scenario.events[0].time.text[:10] if situation.scenario.events else ""
        head = f"Start: {names.text(situation.scenario.title)}, before the first event" + (
            f" ({first})." if first else "."
        )
        return _fit(head, [("Holding: ", _holdings(situation, names), "holders")], "", limit)
    when = event.time.text.replace("T", " ")
    head = f"{when}: {names.text(event.title) or 'Untitled event'}."
    confidence = event.confidence.capitalize() if event.confidence else "Confidence not given"
    n = len(event.sources)
    tail = f"{confidence}; {n or 'no'} source{'' if n == 1 else 's'}."
    parts = [("Control: ", _changes(situation, names), "changes"), ("Displaced: ", _flows(event.flows, names), "flows")]
    return _fit(head, parts, tail, limit)


Items = list[tuple[str, int]]  # (words, how many things they stand for)


class _Names:
    """Names as a sentence says them: cleaned, on one line, in logical order."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._holders = holders(scenario)

    @staticmethod
    def text(value: str | None) -> str:
        return " ".join(clean(value or "").split())

    def holder(self, holder: str) -> str:
        if holder == MIXED_TOWNS:
            return "mixed control"
        return self.text(self._holders[holder].name)

    def town(self, town_id: str) -> str:
        return self.text(self.scenario.town(town_id).name)


def _changes(situation: Situation, names: _Names) -> Items:
    """`Rastan and Talbiseh from Government to HTS`: towns that changed the same way, together."""
    groups: dict[tuple[str, str], list[str]] = {}
    for change in situation.changed:
        if change.before_state is None or change.after_state is None:
            was, now = names.holder(change.before), names.holder(change.after)
        else:
            was, now = change_words(change.before_state, change.after_state, names.holder)
        groups.setdefault((was, now), []).append(names.town(change.town))
    return [(f"{listed(towns)} from {was} to {now}", len(towns)) for (was, now), towns in groups.items()]


def _flows(flows: tuple[Flow, ...], names: _Names) -> Items:
    """`"thousands" from Homs to Damascus`, `12,000 people from Hama to Homs`; a shared figure said once."""
    out: Items = []
    for flow in flows:
        said = names.text(flow.estimate)
        if flow.people is not None:
            size = f"{figure(flow.people)} {'person' if flow.people == 1 else 'people'}"
        else:
            size = f'"{said}"' if said else "an untold number"
        to = listed(names.town(t) for t in flow.destinations)
        shared = " (one figure)" if flow.also_to else ""
        out.append((f"{size} from {names.town(flow.origin)} to {to}{shared}", 1))
    return out


def _holdings(situation: Situation, names: _Names) -> Items:
    held = situation.holdings()
    order = [f.id for f in situation.scenario.factions] + ["contested", "unknown", MIXED_TOWNS]
    return [
        (f"{names.holder(h)} {held[h][0]} town{'' if held[h][0] == 1 else 's'}", held[h][0])
        for h in order
        if held.get(h, (0,))[0]
    ]


def _fit(head: str, parts: list[tuple[str, Items, str]], tail: str, limit: int) -> str:
    """The sentence within `limit`: the head (date and title) and as many items as fit.

    The head may take two thirds of it; when that leaves out items, a head cut
    to one third is tried, and the sentence that says more facts wins (a title
    is read on the board; the changes are what a listener came for). Items are
    left out from the last part's end on and counted; if even the counts do not
    fit, the head is cut further.
    """
    shown, sentence = _fill(_cut(head, limit * 2 // 3), parts, tail, limit)
    if shown < sum(len(items) for _, items, _ in parts):
        shown_short, sentence_short = _fill(_cut(head, limit // 3), parts, tail, limit)
        if shown_short > shown:
            return sentence_short
    return sentence


def _fill(head: str, parts: list[tuple[str, Items, str]], tail: str, limit: int) -> tuple[int, str]:
    """(items shown, the sentence) with as many of `parts`' items after `head` as fit in `limit`."""
    shown = [len(items) for _, items, _ in parts]
    while True:
        sentence = _join(head, parts, shown, tail)
        if len(sentence) <= limit:
            return sum(shown), sentence
        k = max((i for i, n in enumerate(shown) if n), default=None)
        if k is None:
            break
        shown[k] -= 1
    body = _join("", parts, shown, tail)
    return 0, _cut(f"{_cut(head, limit - len(body) - 1)} {body}", limit)


def _join(head: str, parts: list[tuple[str, Items, str]], shown: list[int], tail: str) -> str:
    out = [head] if head else []
    for (label, items, noun), n in zip(parts, shown):
        if not items:
            continue
        hidden = sum(count for _, count in items[n:])
        listed_items = [words for words, _ in items[:n]]
        if hidden and listed_items:
            listed_items.append(f"and {hidden} more {noun if hidden != 1 else noun[:-1]}")
        elif hidden:
            listed_items.append(f"{hidden} {noun if hidden != 1 else noun[:-1]}")
        out.append(f"{label}{'; '.join(listed_items)}.")
    if tail:
        out.append(tail)
    return " ".join(out)


def _cut(text: str, room: int) -> str:
    """`text` in at most `room` characters: whole words and an ellipsis (a single word too long is cut)."""
    if len(text) <= room:
        return text
    keep = text[: max(0, room - len(ELLIPSIS))]
    space = keep.rfind(" ")
    if space > 0:
        keep = keep[:space]
    return keep.rstrip(" ,;:.") + ELLIPSIS
