"""What the situation is after event k: the engine behind every panel.

Step 0 is the start state; step k is the state after the k-th event. Holders are
rebuilt from a checkpoint taken every `CHECKPOINT` steps plus the control changes
since, so any step costs the same whatever the length of the timeline; totals
come from prefix sums; per-town histories are indexed once.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple, overload

from sitboard.scenario.model import MIXED, Control, Event, EventTime, Faction, Flow, Scenario, plain_control

CHECKPOINT = 32
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
            return Tally((self.people or 0) + flow.people, self.unquantified, self.words, self.more_words)
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


class Displacement(NamedTuple):
    total: Tally
    by_origin: dict[str, Tally]
    by_destination: dict[DestinationKey, Tally]


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
        return self.holdings().get(fid, (0, 0, 0))

    def holdings(self) -> dict[str, tuple[int, int, int]]:
        """`held` for every holder at once: one pass over the towns.

        A town under mixed control is credited to none of its holders: it is
        counted under `MIXED_TOWNS`.
        """
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


class Timeline:
    """The scenario's events as a sequence of board states."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        index = scenario.town_index
        start = tuple(t.control for t in scenario.towns)
        # per step: (town idx, before, after), full records
        self._deltas: list[tuple[tuple[int, Control, Control], ...]] = [()]
        self._checkpoints: list[tuple[str, ...]] = [start]
        # Towns whose control is more than a plain holding, by index, per checkpoint.
        states = {i: t.control_state for i, t in enumerate(scenario.towns) if t.control_state is not None}
        self._state_checkpoints: list[Mapping[int, Control]] = [dict(states)]
        self._uses_states = bool(states)
        self._flows: list[FlowAt] = []
        self._flow_end = [0]  # flows so far, per step
        self._total = [Tally()]
        holders = list(start)
        for step, event in enumerate(scenario.events, start=1):
            delta = []
            records = event.control_states
            for k, (town_id, holder) in enumerate(event.control):
                i = index[town_id]
                if not records and i not in states:  # plain before and after: the usual case, kept cheap
                    if holders[i] != holder:  # restating the holder is not a change of hands
                        delta.append((i, plain_control(holders[i]), plain_control(holder)))
                        holders[i] = holder
                    continue
                after = records[k] if records else plain_control(holder)
                before = states.get(i)
                if before is None:
                    before = plain_control(holders[i])
                if not before.restates(after):  # restating the same value is not a change
                    delta.append((i, before, after))
                    holders[i] = after.holder
                    if after.is_plain:
                        states.pop(i, None)
                    else:
                        states[i] = after
            self._deltas.append(tuple(delta))
            self._uses_states = self._uses_states or bool(records)
            if step % CHECKPOINT == 0:
                self._checkpoints.append(tuple(holders))
                self._state_checkpoints.append(dict(states) if states else _NO_STATES.states)
            total = self._total[-1]
            for flow in event.flows:
                self._flows.append(FlowAt(step, flow))
                total = total.plus(flow)
            self._flow_end.append(len(self._flows))
            self._total.append(total)
        self._tally_checkpoints: list[tuple[dict[str, Tally], dict[DestinationKey, Tally]]] = []
        self._times = [e.time.sort_key for e in scenario.events]
        self._last: Situation | None = None  # what `state_at` gave last

    @property
    def steps(self) -> int:
        return len(self.scenario.events)

    def clamp(self, step: int) -> int:
        return max(0, min(step, self.steps))

    def holders_at(self, step: int) -> tuple[str, ...]:
        step = self._check(step)
        base = step // CHECKPOINT
        holders = list(self._checkpoints[base])
        for s in range(base * CHECKPOINT + 1, step + 1):
            for i, _, after in self._deltas[s]:
                holders[i] = after.holder
        return tuple(holders)

    def controls_at(self, step: int) -> ControlsAt:
        """Every town's full control record at `step` (holders as `holders_at` gives them, and any state)."""
        return ControlsAt(self.holders_at(step), self._states_at(step))

    def _states_at(self, step: int) -> Mapping[int, Control]:
        step = self._check(step)
        if not self._uses_states:
            return _NO_STATES.states  # every town is plainly held at every step
        base = step // CHECKPOINT
        states = dict(self._state_checkpoints[base])
        for s in range(base * CHECKPOINT + 1, step + 1):
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
        self._build_tally_checkpoints()
        start_origin, start_dest = self._tally_checkpoints[step // CHECKPOINT]
        origin, dest = dict(start_origin), dict(start_dest)
        first = self._flow_end[(step // CHECKPOINT) * CHECKPOINT]
        for j in range(first, self._flow_end[step]):
            flow = self._flows[j].flow
            origin[flow.origin] = origin.get(flow.origin, Tally()).plus(flow)
            key = destination_key(flow)
            dest[key] = dest.get(key, Tally()).plus(flow)
        return Displacement(self._total[step], origin, dest)

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
            flows=FlowsSoFar(self._flows, self._flow_end[step]),
            step_flows=event.flows if event else (),
            displaced=self.displacement_at(step),
            controls=ControlsAt(holders, self._states_at(step)),
        )
        return last

    def step_at_or_before(self, when: date | datetime) -> int:
        """The last step whose event happened at or before `when` (0 if none).

        `when` is ordered like event times: a date is its midnight, a naive
        date-time is taken as UTC.
        """
        return bisect.bisect_right(self._times, EventTime.of("", when).sort_key)

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

    def _build_tally_checkpoints(self) -> None:
        if self._tally_checkpoints:
            return
        origin: dict[str, Tally] = {}
        dest: dict[DestinationKey, Tally] = {}
        checkpoints: list[tuple[dict[str, Tally], dict[DestinationKey, Tally]]] = [({}, {})]
        done = 0
        for base in range(CHECKPOINT, self.steps + 1, CHECKPOINT):
            for j in range(done, self._flow_end[base]):
                flow = self._flows[j].flow
                origin[flow.origin] = origin.get(flow.origin, Tally()).plus(flow)
                key = destination_key(flow)
                dest[key] = dest.get(key, Tally()).plus(flow)
            done = self._flow_end[base]
            checkpoints.append((dict(origin), dict(dest)))
        self._tally_checkpoints = checkpoints
