"""What the situation is after event k: the engine behind every panel.

Step 0 is the start state; step k is the state after the k-th event. Holders are
rebuilt from a checkpoint plus the control changes since, so any step costs the
same whatever the length of the timeline; totals come from prefix sums; per-town
histories are indexed once.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property
from itertools import starmap
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
    here. `largest` ranks without visiting every place: a place's tally only
    grows along the timeline, so the largest are among the checkpoint's
    largest and the places touched since.
    """

    __slots__ = ("_base", "_over", "_ranked", "_size")
    _base: dict[Any, Tally]
    _over: dict[Any, Tally]
    _ranked: Callable[[], list[Any]] | None
    _size: int

    def __init__(
        self, base: dict[Any, Tally], over: dict[Any, Tally], ranked: Callable[[], list[Any]] | None = None
    ) -> None:
        self._base = base
        self._over = over
        self._ranked = ranked  # the base's keys, largest first (at least `RANKED` of them), worked out when asked
        self._size = -1

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
        if self._ranked is None or n > RANKED:
            return heapq.nsmallest(n, self.items(), key=_rank)
        candidates = dict.fromkeys(self._ranked()[:n])
        candidates.update(dict.fromkeys(self._over))
        return heapq.nsmallest(n, ((k, self[k]) for k in candidates), key=_rank)


RANKED = 32  # how many of a checkpoint's largest tallies are kept ranked (a panel shows 8)


def _rank(item: tuple[DestinationKey, Tally]) -> tuple[int, int, str]:
    key, tally = item
    return (*tally.rank, str(key))


def ranked(tallies: Mapping[Any, Tally], n: int) -> list[tuple[Any, Tally]]:
    """The `n` largest of `tallies`, most people first: cheap for the timeline's own `Tallies`."""
    if isinstance(tallies, Tallies):
        return tallies.largest(n)
    return heapq.nsmallest(n, tallies.items(), key=_rank)


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
        self._tallies: tuple[dict[str, Tally], dict[DestinationKey, Tally]] = ({}, {})  # after the last checkpoint
        self._tally_ranks: dict[tuple[int, int], list[Any]] = {}
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
        new._tallies = (dict(self._tallies[0]), dict(self._tallies[1]))
        new._tally_ranks = dict(self._tally_ranks)
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
        first = base * self.spacing + 1
        deltas = self._deltas
        if not any(deltas[first : step + 1]):
            return start  # nothing changed hands since the checkpoint: share it
        holders = list(start)
        for s in range(first, step + 1):
            for i, _, after in deltas[s]:
                holders[i] = after.holder
        return tuple(holders)

    def holdings_at(self, step: int) -> dict[str, tuple[int, int, int]]:
        """`Situation.holdings()` at `step`, from the checkpoint's counts and the changes since."""
        step = self._check(step)
        base = step // self.spacing
        counts = {k: list(v) for k, v in self._count_checkpoints[base].items()}
        towns = self.scenario.towns
        for s in range(base * self.spacing + 1, step + 1):
            for i, before, after in self._deltas[s]:
                _move(counts, towns[i].population, _holding(before), _holding(after))
        return _frozen(counts)

    def controls_at(self, step: int) -> ControlsAt:
        """Every town's full control record at `step` (holders as `holders_at` gives them, and any state)."""
        return ControlsAt(self.holders_at(step), self._states_at(step))

    def _states_at(self, step: int) -> Mapping[int, Control]:
        step = self._check(step)
        if not self._uses_states:
            return _NO_STATES.states  # every town is plainly held at every step
        base = step // self.spacing
        states = dict(self._state_checkpoints[base])
        for s in range(base * self.spacing + 1, step + 1):
            for i, _, after in self._deltas[s]:
                if after.is_plain:
                    states.pop(i, None)
                else:
                    states[i] = after
        return states

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
        start_origin, start_dest = self._tally_checkpoint(base)
        origin: dict[str, Tally]
        dest: dict[DestinationKey, Tally]
        near = self._near_tallies
        if near is not None and near[0] == base and near[1] <= end:
            # a step forward: carry on from the last step's tallies (copied: a situation is a fixed value),
            # not from the checkpoint, which at 20,000 towns is up to 2,500 flows back
            first, origin, dest = near[1], dict(near[2]), dict(near[3])
        else:
            first, origin, dest = base * self.spacing, {}, {}
        for j in range(first, end):
            flow = self._flows[j].flow
            o = flow.origin
            origin[o] = (origin.get(o) or start_origin.get(o) or _NONE).plus(flow)
            key = destination_key(flow)
            dest[key] = (dest.get(key) or start_dest.get(key) or _NONE).plus(flow)
        self._near_tallies = (base, end, origin, dest)
        total = self._total(end)
        return Displacement(
            total,
            Tallies(start_origin, origin, lambda: self._ranks(base, 0)),
            Tallies(start_dest, dest, lambda: self._ranks(base, 1)),
        )

    # (checkpoint, flows, origins, destinations) of the last displacement worked out (see `displacement_at`)
    _near_tallies: tuple[int, int, dict[str, Tally], dict[DestinationKey, Tally]] | None = None

    def _ranks(self, base: int, which: int) -> list[Any]:
        """A tally checkpoint's keys, largest first (the first `RANKED`), worked out once."""
        found = self._tally_ranks.get((base, which))
        if found is None:
            table = self._tally_checkpoints[base][which]
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
        checkpoints = self._tally_checkpoints
        origin, dest = self._tallies
        flows = self._flows
        while len(checkpoints) <= base:
            start = (len(checkpoints) - 1) * self.spacing
            for j in range(start, start + self.spacing):
                flow = flows[j].flow
                origin[flow.origin] = origin.get(flow.origin, _NONE).plus(flow)
                key = destination_key(flow)
                dest[key] = dest.get(key, _NONE).plus(flow)
            checkpoints.append((dict(origin), dict(dest)))

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
