"""What the situation is after event k: the engine behind every panel.

Step 0 is the start state; step k is the state after the k-th event. Holders are
rebuilt from a checkpoint plus the control changes since, so any step costs the
same whatever the length of the timeline; totals come from prefix sums; per-town
histories are indexed once.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property
from itertools import islice, starmap
from types import MappingProxyType
from typing import Any, NamedTuple, overload

from sitboard.scenario.append import only_appended
from sitboard.scenario.collector_paused import collector_paused
from sitboard.scenario.model import (
    MIXED,
    Control,
    ControlColumns,
    Event,
    EventTime,
    Faction,
    Flow,
    Scenario,
    Town,
    event_columns,
    instant,
    plain_control,
)

CHECKPOINT = 32  # the fewest steps (and flows) between two checkpoints; more with more towns (Timeline)
MIXED_TOWNS = "(mixed)"  # the key `holdings()` counts mixed towns under: never a faction id
DestinationKey = str | tuple[str, ...]  # a town id, or the towns that share one flow's figure
MAX_WORDS = 8  # distinct source words a tally keeps (a total that lists more says "and other words")
_PRINTABLE_BITS = 14_000  # ints below 2**14000 have at most 4,215 digits: Python prints up to 4,300


def figure(people: int) -> str:
    """A count of people as the board writes it (`12,000`), whatever its size.

    Python refuses to turn an int of more than 4,300 digits into text (a guard
    against slow conversions). The checker bounds what a file may say, but a
    total must never be able to stop the board: such a number is written by
    its order of magnitude instead.
    """
    if people.bit_length() < _PRINTABLE_BITS:
        return f"{people:,}"
    return f"~10^{int(people.bit_length() * 0.30103)}"  # log10(2)


class ControlChange(NamedTuple):
    step: int
    town: str
    before: str
    after: str
    # The full records when either side is more than a plain holding (a siege, mixed control...).
    before_state: Control | None = None
    after_state: Control | None = None


def destination_key(flow: Flow) -> DestinationKey:
    """What a flow counts towards by destination: its town, or its towns together (one figure, counted once)."""
    return flow.destinations if flow.also_to else flow.destination


class FlowAt(NamedTuple):
    """A flow together with the step (1-based event number) it belongs to."""

    step: int
    flow: Flow


class Tally(NamedTuple):
    """People counted, the flows that gave no figure, and the words their sources used instead.

    Unknown is not zero: `people` is None until a flow gives a figure, and a
    flow without one is counted in `unquantified`, its source's words
    ("thousands") kept in `words` (distinct, the first `MAX_WORDS` of them), so
    that every total that includes it can say so.
    """

    people: int | None = None
    unquantified: int = 0
    words: tuple[str, ...] = ()
    more_words: bool = False  # distinct words beyond the first MAX_WORDS were left out

    def plus(self, flow: Flow) -> Tally:
        if flow.people is not None:
            # tuple.__new__: NamedTuple's own __new__ is a Python call, and a timeline adds up three per flow
            return tuple.__new__(
                Tally, ((self.people or 0) + flow.people, self.unquantified, self.words, self.more_words)
            )
        words, more = self.words, self.more_words
        said = flow.estimate
        if said and said.strip() and said not in words:
            if len(words) < MAX_WORDS:
                words = (*words, said)
            else:
                more = True
        return Tally(self.people, self.unquantified + 1, words, more)

    def describe(self) -> str:
        """The honest total: `12,000`, `≥ 12,000 + thousands (unquantified)`, `unquantified (2 flows)`, `none recorded`."""
        if not self.unquantified:
            return "none recorded" if self.people is None else figure(self.people)
        n = self.unquantified
        if self.words:
            said = "; ".join(self.words) + ("; and other words" if self.more_words else "")
            rest = f"{said} (unquantified)" if n == 1 else f"{said} (unquantified, {n} flows)"
        else:
            rest = "unquantified" if n == 1 else f"unquantified ({n} flows)"
        return rest if self.people is None else f"≥ {figure(self.people)} + {rest}"

    @property
    def rank(self) -> tuple[int, int]:
        """Largest first: by the people counted, then by the flows without a figure."""
        return (-(self.people or 0), -self.unquantified)


_NONE = Tally()


class Displacement(NamedTuple):
    total: Tally
    by_origin: Mapping[str, Tally]
    by_destination: Mapping[DestinationKey, Tally]


class FlowsSoFar(Sequence[FlowAt]):
    """The first `n` flows of the timeline, without copying them."""

    __slots__ = ("_all", "_n")

    def __init__(self, flows: Sequence[FlowAt], n: int) -> None:
        self._all = flows
        self._n = n

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> FlowAt: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[FlowAt]: ...
    def __getitem__(self, i: int | slice) -> FlowAt | Sequence[FlowAt]:
        if isinstance(i, slice):
            return [self._all[j] for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        return self._all[i]

    def __iter__(self) -> Iterator[FlowAt]:
        for j in range(self._n):
            yield self._all[j]


class ControlsAt(Sequence[Control]):
    """Every town's full control record at one step, indexed like scenario.towns, built on demand.

    Most towns are simply held: only the others are stored (`states`, town
    index -> record), so a step costs nothing more for a scenario that uses
    no control states.
    """

    __slots__ = ("_holders", "states")

    def __init__(self, holders: tuple[str, ...], states: Mapping[int, Control]) -> None:
        self._holders = holders
        self.states = states

    def __len__(self) -> int:
        return len(self._holders)

    @overload
    def __getitem__(self, i: int) -> Control: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Control]: ...
    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._holders)))]
        if i < 0:
            i += len(self._holders)
        state = self.states.get(i)
        return state if state is not None else plain_control(self._holders[i])

    def __iter__(self) -> Iterator[Control]:
        states = self.states
        for i, holder in enumerate(self._holders):
            state = states.get(i)
            yield state if state is not None else plain_control(holder)

    def __eq__(self, other: object) -> bool:
        # the same holders and the same states are the same records (a state is never a plain holding)
        return isinstance(other, ControlsAt) and self._holders == other._holders and self.states == other.states

    __hash__ = None  # type: ignore[assignment]


_NO_STATES = ControlsAt((), MappingProxyType({}))


class Situation(NamedTuple):
    """What the scenario says at one step: holders, changes, flows, displacement (see `sitboard.state` for what the board shows)."""

    scenario: Scenario
    step: int
    steps: int
    event: Event | None
    holders: tuple[str, ...]  # indexed like scenario.towns
    changed: tuple[ControlChange, ...]
    flows: FlowsSoFar
    step_flows: tuple[Flow, ...]
    displaced: Displacement
    controls: ControlsAt = _NO_STATES  # the full record of each town, indexed like `holders`
    # `holdings()`, when the timeline kept count (it does: counting 20,000 towns at each step would not do)
    counts: Mapping[str, tuple[int, int, int]] | None = None

    def holder(self, town_id: str) -> str:
        return self.holders[self.scenario.town_index[town_id]]

    def control(self, town_id: str) -> Control:
        i = self.scenario.town_index[town_id]
        return self.controls[i] if self.controls.states else plain_control(self.holders[i])

    @property
    def time(self) -> EventTime | None:
        return self.event.time if self.event else None

    def held(self, faction: Faction | str) -> tuple[int, int, int]:
        """(towns held, population held, towns held with no population given)."""
        fid = faction if isinstance(faction, str) else faction.id
        if self.counts is not None:
            return self.counts.get(fid, (0, 0, 0))
        return self.holdings().get(fid, (0, 0, 0))

    def holdings(self) -> dict[str, tuple[int, int, int]]:
        """`held` for every holder at once: one pass over the towns.

        A town under mixed control is credited to none of its holders: it is
        counted under `MIXED_TOWNS`.
        """
        if self.counts is not None:
            return dict(self.counts)
        counts: dict[str, list[int]] = {}
        holders: Sequence[str] = self.holders
        mixed = [i for i, c in self.controls.states.items() if c.state == MIXED]
        if mixed:
            holders = list(holders)
            for i in mixed:
                holders[i] = MIXED_TOWNS
        for town, holder in zip(self.scenario.towns, holders):
            entry = counts.get(holder)
            if entry is None:
                entry = counts[holder] = [0, 0, 0]
            entry[0] += 1
            if town.population is None:
                entry[2] += 1
            else:
                entry[1] += town.population
        return {holder: (a, b, c) for holder, (a, b, c) in counts.items()}


class Tallies(Mapping[Any, Tally]):
    """People displaced by place at one step: a checkpoint's table with the flows since laid over it.

    Copying a table of every place a long timeline has touched (20,000 of
    them) at every step would make a step cost as much as the places; the
    checkpoint's table is shared, and only the places touched since are held
    here. `largest` ranks without visiting every place (see `_top`): the
    largest are among the largest at a point shortly before (`top`: those
    keys, then the keys touched since).
    """

    __slots__ = ("_base", "_over", "_size", "_top")
    _base: dict[Any, Tally]
    _over: dict[Any, Tally]
    _size: int
    _top: tuple[Sequence[Any], Sequence[Any]] | None

    def __init__(
        self,
        base: dict[Any, Tally],
        over: dict[Any, Tally],
        size: int = -1,
        top: tuple[Sequence[Any], Sequence[Any]] | None = None,
    ) -> None:
        self._base = base
        self._over = over
        self._size = size  # len(self), when the timeline knows it (-1: counted when asked)
        # the `RANKED` largest keys at a point no later than this one (or every key then, if fewer), and
        # every key touched since: enough to rank the largest now (`_top`)
        self._top = top

    def __getitem__(self, key: Any) -> Tally:
        found = self._over.get(key)
        return found if found is not None else self._base[key]

    def __contains__(self, key: object) -> bool:
        return key in self._over or key in self._base

    def __len__(self) -> int:
        if self._size < 0:
            base = self._base
            self._size = len(base) + sum(1 for k in self._over if k not in base)
        return self._size

    def __iter__(self) -> Iterator[Any]:
        # first reached first, as one table filled flow by flow would list them
        yield from self._base
        base = self._base
        for k in self._over:
            if k not in base:
                yield k

    def largest(self, n: int) -> list[tuple[Any, Tally]]:
        """The `n` largest tallies, most people first (then most unquantified flows, then by name)."""
        if self._top is None or n > RANKED:
            return heapq.nsmallest(n, self.items(), key=_rank)
        before, touched = self._top
        over = self._over  # every key touched since is in it
        return _top(n, before, [(k, over[k]) for k in dict.fromkeys(touched)], self.__getitem__)


RANKED = 32  # how many of the largest tallies are kept ranked at checkpoints and snapshots (a panel shows 8)
RANK_EVERY = 64  # flows between two snapshots of the largest tallies within a tally window (`_TallyWindow`)


def _rank(item: tuple[DestinationKey, Tally]) -> tuple[int, int, str]:
    key, tally = item
    return (*tally.rank, str(key))


def _top(
    n: int, before: Sequence[Any], touched: Iterable[tuple[Any, Tally]], tally_of: Callable[[Any], Tally]
) -> list[tuple[Any, Tally]]:
    """The `n` largest tallies now (as `_rank` orders them), from the largest at an earlier point and what changed since.

    `before` is the `n` or more largest keys at that point, best first (or
    every key there was then, if fewer); `touched` holds every key whose
    tally changed since, once each, with its tally now. `tally_of` gives any
    key's tally now.

    Why that is enough: a tally only grows along the timeline. A flow adds
    its people (a count is never negative: the checker and the store refuse
    one) or one more flow without a figure, so a key's rank (`_rank`: most
    people, then most flows without a figure, then the name) never gets
    worse. Take K = the first `n` of `before`. A key untouched since that
    was not in K had `n` keys ranked ahead of it then; each of them has
    only gained and it has not, so it is still behind `n` keys: out. So the
    answer is within K and `touched`. Further, every key of K stands now at
    least as well as W, the worst of K now; a touched key ranked behind W
    is behind `n` keys: out. So only the touched keys with at least W's
    people and flows without a figure are ranked with K (the name decides
    ties in the final ranking). If `before` has fewer than `n` keys, it
    was every key then: the answer is within it and `touched`.
    """
    if n <= 0:
        return []
    kept = [(k, tally_of(k)) for k in before[:n]]
    chosen = dict(kept)
    if len(kept) < n:
        extra = [(k, tally) for k, tally in touched if k not in chosen]
    else:
        worst = max(map(_rank, kept))
        people, unquantified = -worst[0], -worst[1]
        extra = []
        for k, tally in touched:
            counted = tally.people or 0
            if (counted > people or (counted == people and tally.unquantified >= unquantified)) and k not in chosen:
                extra.append((k, tally))
    if not extra:
        return kept if len(kept) <= 1 else sorted(kept, key=_rank)
    return heapq.nsmallest(n, kept + extra, key=_rank)


def ranked(tallies: Mapping[Any, Tally], n: int) -> list[tuple[Any, Tally]]:
    """The `n` largest of `tallies`, most people first: cheap for the timeline's own `Tallies`."""
    if isinstance(tallies, Tallies):
        return tallies.largest(n)
    return heapq.nsmallest(n, tallies.items(), key=_rank)


class _TallyWindow:
    """One table (origins or destinations) through one tally window: the tallies at any step inside it, cheaply.

    Worked out once, flow by flow, as far as a step asks (`extend`); a step
    then copies what it needs in C (`tallies`) instead of adding up the
    flows since the checkpoint (up to `spacing`: 2,500 at 20,000 towns), and
    ranks a few dozen keys instead of every key touched since. Nothing
    recorded is ever changed after (a situation given out shares it), and
    memory grows with the window's flows, not the places.
    """

    __slots__ = ("_last", "_near", "_snapshots", "after", "base", "keys", "new", "previous")

    def __init__(self, base: dict[Any, Tally], ranks: Sequence[Any]) -> None:
        self.base = base  # the checkpoint's table
        self.keys: list[Any] = []  # the key the window's j-th flow counts towards
        self.after: list[Tally] = []  # that key's tally after that flow
        self.new = [0]  # how many keys not in `base` the first j flows touched
        self.previous: list[int] = []  # the flow before the j-th that counts towards the same key (-1: none)
        self._last: dict[Any, int] = {}  # the last flow so far that counts towards each key touched
        self._near: tuple[int, dict[Any, Tally]] = (0, {})  # the last table given out (`tallies`), after so many flows
        # i -> the `RANKED` largest keys after i * RANK_EVERY flows, worked out when first asked for
        self._snapshots: dict[int, tuple[Any, ...]] = {0: tuple(ranks)}

    def extend(self, keys: Iterable[Any], flows: Iterable[Flow]) -> None:
        """Count the window's next flows, `keys` what each counts towards."""
        last, tallies = self._last, self.after
        at_base = self.base.get
        new = self.new[-1]
        j = len(self.keys)
        counted, after, news, previous = self.keys.append, tallies.append, self.new.append, self.previous.append
        for key, flow in zip(keys, flows):
            before = last.get(key, -1)
            if before < 0:
                tally = at_base(key)
                if tally is None:
                    tally, new = _NONE, new + 1
            else:
                tally = tallies[before]
            counted(key)
            after(tally.plus(flow))
            news(new)
            previous(before)
            last[key] = j
            j += 1

    def tallies(self, flows: int) -> Tallies:
        """The table after the window's first `flows` flows."""
        keys, after = self.keys, self.after
        near, given = self._near
        if abs(flows - near) * 4 > flows:
            over = dict(zip(islice(keys, flows), islice(after, flows)))  # each key's last tally, first met first
        elif flows >= near:  # a step forward: the last table given, and the flows since
            over = dict(given)
            for j in range(near, flows):
                over[keys[j]] = after[j]
        else:
            # A step back: the keys the flows undone count towards go back to their tally before (or out of the
            # table: dropping a key leaves the others in the order they were first met, as a fresh table has them).
            over = dict(given)
            previous = self.previous
            for j in range(flows, near):
                before = previous[j]
                while before >= flows:
                    before = previous[before]
                if before < 0:
                    over.pop(keys[j], None)
                else:
                    over[keys[j]] = after[before]
        self._near = (flows, over)
        since = flows // RANK_EVERY
        top = (self._snapshot(since), keys[since * RANK_EVERY : flows])
        return Tallies(self.base, over, len(self.base) + self.new[flows], top)

    def _snapshot(self, i: int) -> tuple[Any, ...]:
        """The `RANKED` largest after i * RANK_EVERY flows: from the nearest snapshot before and the keys touched since (`_top`)."""
        snapshots = self._snapshots
        found = snapshots.get(i)
        if found is not None:
            return found
        j = i - 1
        while j not in snapshots:
            j -= 1
        end = i * RANK_EVERY
        over = dict(zip(islice(self.keys, end), islice(self.after, end)))
        base = self.base

        def tally(key: Any) -> Tally:
            found = over.get(key)
            return found if found is not None else base[key]

        since = dict.fromkeys(self.keys[j * RANK_EVERY : end])
        touched = over.items() if len(since) == len(over) else [(k, over[k]) for k in since]
        top = _top(RANKED, snapshots[j], touched, tally)
        found = snapshots[i] = tuple(k for k, _ in top)
        return found


class _Replayed:
    """Holders and counts at one step of a checkpoint's window, as `Timeline._replayed` moves them (mutable)."""

    __slots__ = ("base", "counts", "holders", "step")

    def __init__(self, base: int, step: int, holders: list[str], counts: dict[str, list[int]]) -> None:
        self.base = base
        self.step = step
        self.holders = holders
        self.counts = counts


class _Replay(NamedTuple):
    """Where a timeline's replay of control changes stands after its last step (see `Timeline._replay`)."""

    holders: list[str]
    states: dict[int, Control]
    counts: dict[str, list[int]]  # as `holdings()`, and holders that hold nothing now, in the order first met
    changed: bool  # since the last checkpoint


def _step(row: tuple[Any, ...]) -> int:
    step: int = row[0]
    return step


def _holding(control: Control) -> str:
    """Whom `holdings()` credits a town with: its holder, or no one (`MIXED_TOWNS`) under mixed control."""
    return MIXED_TOWNS if control.state == MIXED else control.holder


class Timeline:
    """The scenario's events as a sequence of board states.

    Memory grows with towns plus events, not their product: holders are kept
    whole only at checkpoints spaced by the number of towns (an eighth of
    them, at least `CHECKPOINT` steps), and displacement tallies at
    checkpoints spaced the same way in flows; a step replays the changes
    since its checkpoint, at most that many.
    """

    def __init__(self, scenario: Scenario) -> None:
        with collector_paused():  # tens of thousands of records, none of them garbage
            self._build(scenario)

    def _build(self, scenario: Scenario) -> None:
        self.scenario = scenario
        towns = scenario.towns
        steps = len(scenario.events)
        self.spacing = max(CHECKPOINT, len(towns) // 8)
        columns = event_columns(scenario.events)
        self._times = columns.times
        start = tuple(t.control for t in towns)
        # per step: (town idx, before, after), full records; most steps change nothing
        self._deltas: list[tuple[tuple[int, Control, Control], ...]] = [()] * (steps + 1)
        self._checkpoints: list[tuple[str, ...]] = [start]
        # Towns whose control is more than a plain holding, by index, per checkpoint.
        states = {i: t.control_state for i, t in enumerate(towns) if t.control_state is not None}
        self._state_checkpoints: list[Mapping[int, Control]] = [dict(states)]
        self._uses_states = bool(states)
        # towns, population and towns without a population credited to each holder, per checkpoint
        counts = _start_counts(towns)
        self._count_checkpoints: list[dict[str, tuple[int, int, int]]] = [_frozen(counts)]
        # Where the replay of control changes stands at the last step: holders, states, counts, and whether
        # anything changed since the last checkpoint. An extended timeline carries on from there (`extended`).
        self._end = _Replay(list(start), states, counts, False)
        self._replay(columns.controls, 0, steps)
        self._flows = list(starmap(FlowAt, columns.flows))
        self._flow_steps = [step for step, _ in columns.flows]  # in order: the flows up to a step are a prefix
        # Worked out as far as a step asks, no further: an export of step 1, or a board at its start,
        # needs none of the later tallies (the totals of the first j flows; tallies every `spacing` flows).
        self._totals = [_NONE]
        self._tally_checkpoints: list[tuple[dict[str, Tally], dict[DestinationKey, Tally]]] = [({}, {})]
        self._tally_ranks: dict[tuple[int, int], list[Any]] = {(0, 0): [], (0, 1): []}  # see `_ranks`
        self._windows: dict[int, tuple[_TallyWindow, _TallyWindow]] = {}  # every one worked out (`_window`)
        self._last: Situation | None = None  # what `state_at` gave last

    def _replay(self, controls: ControlColumns, c: int, steps: int) -> None:
        """Apply the changes from the `c`-th on (steps after the last replayed, up to `steps`), adding deltas and checkpoints."""
        towns = self.scenario.towns
        index = self.scenario.town_index
        spacing = self.spacing
        holders, states, counts, changed_since = self._end

        def checkpoint() -> None:
            nonlocal changed_since
            self._checkpoints.append(tuple(holders) if changed_since else self._checkpoints[-1])
            self._state_checkpoints.append(dict(states) if states else _NO_STATES.states)
            self._count_checkpoints.append(_frozen(counts) if changed_since else self._count_checkpoints[-1])
            changed_since = False

        deltas = self._deltas
        populations = [t.population for t in towns]
        plain = _Plain()
        step = 0
        delta: list[tuple[int, Control, Control]] = []
        next_checkpoint = len(self._checkpoints) * spacing
        for at, town_id, holder, record in zip(
            controls.steps[c:], controls.towns[c:], controls.holders[c:], controls.records[c:]
        ):
            if at != step:
                if delta:
                    deltas[step] = tuple(delta)
                    delta = []
                step = at
                while next_checkpoint < step:
                    checkpoint()
                    next_checkpoint += spacing
            i = index[town_id]
            if record is None and i not in states:  # plain before and after: the usual case, kept cheap
                was = holders[i]
                if was == holder:  # restating the holder is not a change of hands
                    continue
                delta.append((i, plain[was], plain[holder]))
                holders[i] = holder
                # `_move(counts, population, was, holder)`, inline: a plain holding is credited to its holder
                old, new = counts[was], counts.get(holder) or counts.setdefault(holder, [0, 0, 0])
                old[0] -= 1
                new[0] += 1
                population = populations[i]
                if population is None:
                    old[2] -= 1
                    new[2] += 1
                else:
                    old[1] -= population
                    new[1] += population
                changed_since = True
                continue
            self._uses_states = True
            after = record if record is not None else plain[holder]
            before = states.get(i) or plain[holders[i]]
            if before.restates(after):  # restating the same value is not a change
                continue
            if after.is_plain:
                states.pop(i, None)
            else:
                states[i] = after
            delta.append((i, before, after))
            holders[i] = after.holder
            _move(counts, populations[i], _holding(before), _holding(after))
            changed_since = True
        if delta:
            deltas[step] = tuple(delta)
        while next_checkpoint <= steps:
            checkpoint()
            next_checkpoint += spacing
        self._end = _Replay(holders, states, counts, changed_since)

    def extended(self, scenario: Scenario) -> Timeline:
        """The timeline of `scenario`, whose events are this one's with more appended (`scenario/append.py`).

        Equal in every state to `Timeline(scenario)`, built from this one's
        checkpoints and sums in the time the new events take rather than all
        of them. Anything else (other towns, events that do not extend
        these) is built afresh.
        """
        events = scenario.events
        if not only_appended(self.scenario, scenario):
            return Timeline(scenario)
        done, steps = self.steps, len(events)
        columns = event_columns(events)
        new = Timeline.__new__(Timeline)
        new.scenario = scenario
        new.spacing = self.spacing
        new._times = columns.times
        new._deltas = [*self._deltas, *([()] * (steps - done))]
        new._checkpoints = list(self._checkpoints)
        new._state_checkpoints = list(self._state_checkpoints)
        new._count_checkpoints = list(self._count_checkpoints)
        new._uses_states = self._uses_states
        holders, states, counts, changed_since = self._end
        new._end = _Replay(list(holders), dict(states), {k: list(v) for k, v in counts.items()}, changed_since)
        controls = columns.controls
        with collector_paused():
            new._replay(controls, bisect.bisect_right(controls.steps, done), steps)
        flows = columns.flows
        first = bisect.bisect_right(flows, done, key=_step)
        new._flows = [*self._flows, *starmap(FlowAt, flows[first:])]
        new._flow_steps = [*self._flow_steps, *(step for step, _ in flows[first:])]
        # what this one worked out carries on: the new tallies and totals are worked out when asked for
        new._totals = list(self._totals)
        new._tally_checkpoints = list(self._tally_checkpoints)
        new._tally_ranks = dict(self._tally_ranks)
        new._windows = {}  # not shared: the board goes on stepping in this one's (another thread) while the new one is built
        new._last = None
        return new

    def forget(self) -> None:
        """Let go of the situation `state_at` kept: it refers back to this timeline (a cycle only a full collection frees)."""
        self._last = None

    @property
    def steps(self) -> int:
        return len(self._deltas) - 1

    def clamp(self, step: int) -> int:
        return max(0, min(step, self.steps))

    def holders_at(self, step: int) -> tuple[str, ...]:
        step = self._check(step)
        base = step // self.spacing
        start = self._checkpoints[base]
        if not any(self._deltas[base * self.spacing + 1 : step + 1]):
            return start  # nothing changed hands since the checkpoint: share it
        return tuple(self._replayed(step).holders)

    def holdings_at(self, step: int) -> dict[str, tuple[int, int, int]]:
        """`Situation.holdings()` at `step`, from the checkpoint's counts and the changes since."""
        return _frozen(self._replayed(self._check(step)).counts)

    def _replayed(self, step: int) -> _Replayed:
        """Holders and counts at `step`: the last step's moved a step at a time, or the checkpoint's moved on.

        A board steps: at 20,000 towns the checkpoint is up to 2,500 steps
        back, with a change of hands at most of them, while the step before
        is one step away (either way: a change records both sides, so a step
        back undoes it exactly). Moves stay within one checkpoint's window,
        and none inserts a holder a replay from the checkpoint would not
        have met by then, so `holdings_at` lists holders in the same order
        whichever way it got there.
        """
        base = step // self.spacing
        first = base * self.spacing
        at = self._at
        if at is None or at.base != base or abs(at.step - step) > step - first:
            counts = {k: list(v) for k, v in self._count_checkpoints[base].items()}
            at = self._at = _Replayed(base, first, list(self._checkpoints[base]), counts)
        deltas = self._deltas
        towns = self.scenario.towns
        holders, counts = at.holders, at.counts
        s = at.step
        while s < step:
            s += 1
            for i, before, after in deltas[s]:
                holders[i] = after.holder
                _move(counts, towns[i].population, _holding(before), _holding(after))
        while s > step:
            for i, before, after in reversed(deltas[s]):
                holders[i] = before.holder
                _move(counts, towns[i].population, _holding(after), _holding(before))
            s -= 1
        at.step = step
        return at

    _at: _Replayed | None = None  # where `_replayed` stands

    def controls_at(self, step: int) -> ControlsAt:
        """Every town's full control record at `step` (holders as `holders_at` gives them, and any state)."""
        return ControlsAt(self.holders_at(step), self._states_at(step))

    def _states_at(self, step: int) -> Mapping[int, Control]:
        step = self._check(step)
        if not self._uses_states:
            return _NO_STATES.states  # every town is plainly held at every step
        base = step // self.spacing
        near = self._states_near
        if near is not None and near[0] == base and near[1] <= step:
            # a step forward carries on from the last one's (a step back starts again from the checkpoint,
            # so that the towns come in the order a replay from it gives: a step back could not restore it)
            first, states = near[1] + 1, near[2]
        else:
            first, states = base * self.spacing + 1, dict(self._state_checkpoints[base])
        for s in range(first, step + 1):
            for i, _, after in self._deltas[s]:
                if after.is_plain:
                    states.pop(i, None)
                else:
                    states[i] = after
        self._states_near = (base, step, states)
        return dict(states)  # a situation is a fixed value: the one carried on is not given out

    # (checkpoint, step, states) of the last `_states_at`
    _states_near: tuple[int, int, dict[int, Control]] | None = None

    def changes_at(self, step: int) -> tuple[ControlChange, ...]:
        step = self._check(step)
        towns = self.scenario.towns
        return tuple(
            ControlChange(
                step,
                towns[i].id,
                before.holder,
                after.holder,
                *((None, None) if before.is_plain and after.is_plain else (before, after)),
            )
            for i, before, after in self._deltas[step]
        )

    def displacement_at(self, step: int) -> Displacement:
        step = self._check(step)
        end = self._flows_until(step)
        base = end // self.spacing
        origin, dest = self._window(base, end)
        since = end - base * self.spacing
        return Displacement(self._total(end), origin.tallies(since), dest.tallies(since))

    def _window(self, base: int, end: int) -> tuple[_TallyWindow, _TallyWindow]:
        """Tally window `base` (the flows from checkpoint `base` on), worked out up to flow `end` at least.

        Every window worked out is kept (memory grows with the flows, as the
        windows record a few values per flow): the windows of the checkpoints
        `_tally_up_to` passed are complete once it has, so a jump anywhere
        before the farthest checkpoint reached copies a table instead of
        adding up to `spacing` flows again.
        """
        windows = self._windows
        found = windows.get(base)
        if found is None:
            start_origin, start_dest = self._tally_checkpoint(base)
            found = (_TallyWindow(start_origin, self._ranks(base, 0)), _TallyWindow(start_dest, self._ranks(base, 1)))
            windows[base] = found
        origin, dest = found
        first = base * self.spacing + len(origin.keys)
        if first < end:
            flows = [f.flow for f in self._flows[first:end]]
            with collector_paused():
                origin.extend([f.origin for f in flows], flows)
                dest.extend(list(map(destination_key, flows)), flows)
        return found

    def _ranks(self, base: int, which: int) -> list[Any]:
        """A tally checkpoint's keys, largest first (the first `RANKED`), worked out once (`_tally_up_to` does as it goes)."""
        found = self._tally_ranks.get((base, which))
        if found is None:
            table = self._tally_checkpoint(base)[which]
            found = self._tally_ranks[(base, which)] = [k for k, _ in heapq.nsmallest(RANKED, table.items(), key=_rank)]
        return found

    def state_at(self, step: int) -> Situation:
        """The situation after event `step` (0: the start). The last one asked for is kept: every panel of
        a board asks for the same step in turn, and a situation is a fixed value."""
        last = self._last
        if last is not None and last.step == step:
            return last
        step = self._check(step)
        event = self.scenario.events[step - 1] if step else None
        holders = self.holders_at(step)
        last = self._last = Situation(
            scenario=self.scenario,
            step=step,
            steps=self.steps,
            event=event,
            holders=holders,
            changed=self.changes_at(step),
            flows=FlowsSoFar(self._flows, self._flows_until(step)),
            step_flows=event.flows if event else (),
            displaced=self.displacement_at(step),
            controls=ControlsAt(holders, self._states_at(step)),
            counts=self.holdings_at(step),
        )
        return last

    def step_at_or_before(self, when: date | datetime) -> int:
        """The last step whose event happened at or before `when` (0 if none).

        `when` is ordered like event times: a date is its midnight, a naive
        date-time is taken as UTC.
        """
        return bisect.bisect_right(self._times, instant(EventTime.of("", when).sort_key))

    @cached_property
    def _history(self) -> dict[str, list[tuple[int, str]]]:
        history = {t.id: [(0, t.control)] for t in self.scenario.towns}
        towns = self.scenario.towns
        for step, delta in enumerate(self._deltas):
            for i, _, after in delta:
                history[towns[i].id].append((step, after.holder))
        return history

    def history(self, town_id: str) -> list[tuple[int, str]]:
        """Every (step, holder) a town has had, starting with step 0.

        A change of state alone (the same holder, now besieged) is a step of its own.
        """
        return list(self._history[town_id])

    def control_history(self, town_id: str) -> list[tuple[int, Control]]:
        """`history` with the full control records."""
        i = self.scenario.town_index[town_id]
        town = self.scenario.towns[i]
        out = [(0, town.control_state or plain_control(town.control))]
        out += [(step, after) for step, delta in enumerate(self._deltas) for j, _, after in delta if j == i]
        return out

    def flows_of(self, town_id: str) -> list[FlowAt]:
        """Flows leaving or reaching a town, over the whole timeline."""
        return [f for f in self._flows if town_id == f.flow.origin or town_id in f.flow.destinations]

    def _check(self, step: int) -> int:
        if not 0 <= step <= self.steps:
            raise IndexError(f"step {step} is outside 0..{self.steps}")
        return step

    def _tally_checkpoint(self, base: int) -> tuple[dict[str, Tally], dict[DestinationKey, Tally]]:
        """The tallies of the first `base * spacing` flows, and of every checkpoint before, once."""
        checkpoints = self._tally_checkpoints
        if len(checkpoints) > base:
            return checkpoints[base]
        with collector_paused():
            self._tally_up_to(base)
        return checkpoints[base]

    def _tally_up_to(self, base: int) -> None:
        """Work out the tally checkpoints up to `base`: each is the one before with its window's flows laid over it."""
        checkpoints = self._tally_checkpoints
        ranks = self._tally_ranks
        spacing = self.spacing
        while len(checkpoints) <= base:
            done = len(checkpoints) - 1
            windows = self._window(done, (done + 1) * spacing)
            tables: list[dict[Any, Tally]] = []
            for which, window in enumerate(windows):
                touched = window.keys[:spacing]
                table = dict(window.base)
                table.update(zip(touched, window.after))  # each key's last tally, new keys in the order first met
                tables.append(table)
                # the largest at this checkpoint, from those at the last one and the keys touched since (`_top`)
                before = ranks.get((done, which))
                if before is not None:
                    since = [(k, table[k]) for k in dict.fromkeys(touched)]
                    ranks[(done + 1, which)] = [k for k, _ in _top(RANKED, before, since, table.__getitem__)]
            checkpoints.append((tables[0], tables[1]))

    def _flows_until(self, step: int) -> int:
        """How many flows there are up to `step`."""
        return bisect.bisect_right(self._flow_steps, step)

    def _total(self, end: int) -> Tally:
        """The total of the first `end` flows (people, and the sources' words for the rest)."""
        totals = self._totals
        flows = self._flows
        while len(totals) <= end:
            totals.append(totals[-1].plus(flows[len(totals) - 1].flow))
        return totals[end]


class _Plain(dict[str, Control]):
    """The shared plain record of each holder, looked up in C once met."""

    def __missing__(self, holder: str) -> Control:
        found = self[holder] = plain_control(holder)
        return found


def _start_counts(towns: Sequence[Town]) -> dict[str, list[int]]:
    """Towns, population and towns without a population credited to each holder at step 0."""
    counts: dict[str, list[int]] = {}
    for t in towns:
        entry = counts.setdefault(_holding(t.control_state or plain_control(t.control)), [0, 0, 0])
        entry[0] += 1
        if t.population is None:
            entry[2] += 1
        else:
            entry[1] += t.population
    return counts


def _frozen(counts: dict[str, list[int]]) -> dict[str, tuple[int, int, int]]:
    return {holder: (a, b, c) for holder, (a, b, c) in counts.items() if a}


def _move(counts: dict[str, list[int]], population: int | None, before: str, after: str) -> None:
    """A town passes from one holder's count to another's."""
    if before == after:
        return
    field = 2 if population is None else 1
    amount = 1 if population is None else population
    old = counts[before]
    old[0] -= 1
    old[field] -= amount
    new = counts.setdefault(after, [0, 0, 0])
    new[0] += 1
    new[field] += amount
