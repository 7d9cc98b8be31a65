"""What the situation is after event k: the engine behind every panel.

Step 0 is the start state; step k is the state after the k-th event. Holders are
rebuilt from a checkpoint taken every `CHECKPOINT` steps plus the control changes
since, so any step costs the same whatever the length of the timeline; totals
come from prefix sums; per-town histories are indexed once.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import NamedTuple, overload

from sitboard.scenario.model import Event, EventTime, Faction, Flow, Scenario

CHECKPOINT = 32
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


class FlowAt(NamedTuple):
    """A flow together with the step (1-based event number) it belongs to."""

    step: int
    flow: Flow


class Tally(NamedTuple):
    """People counted, and how many flows had no figure."""

    people: int = 0
    unquantified: int = 0

    def plus(self, flow: Flow) -> Tally:
        if flow.people is None:
            return Tally(self.people, self.unquantified + 1)
        return Tally(self.people + flow.people, self.unquantified)

    def describe(self) -> str:
        """The honest total: `≥ 12,000 + unquantified`, `12,000`, or `unquantified`."""
        if not self.unquantified:
            return figure(self.people)
        if not self.people:
            return "unquantified" if self.unquantified == 1 else f"unquantified ({self.unquantified} flows)"
        return f"≥ {figure(self.people)} + unquantified"


class Displacement(NamedTuple):
    total: Tally
    by_origin: dict[str, Tally]
    by_destination: dict[str, Tally]


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

    def holder(self, town_id: str) -> str:
        return self.holders[self.scenario.town_index[town_id]]

    @property
    def time(self) -> EventTime | None:
        return self.event.time if self.event else None

    def held(self, faction: Faction | str) -> tuple[int, int, int]:
        """(towns held, population held, towns held with no population given)."""
        fid = faction if isinstance(faction, str) else faction.id
        return self.holdings().get(fid, (0, 0, 0))

    def holdings(self) -> dict[str, tuple[int, int, int]]:
        """`held` for every holder at once: one pass over the towns."""
        counts: dict[str, list[int]] = {}
        for town, holder in zip(self.scenario.towns, self.holders):
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
        self._deltas: list[tuple[tuple[int, str, str], ...]] = [()]  # per step: (town idx, before, after)
        self._checkpoints: list[tuple[str, ...]] = [start]
        self._flows: list[FlowAt] = []
        self._flow_end = [0]  # flows so far, per step
        self._total = [Tally()]
        holders = list(start)
        for step, event in enumerate(scenario.events, start=1):
            delta = []
            for town_id, after in event.control:
                i = index[town_id]
                if holders[i] != after:  # restating the holder is not a change of hands
                    delta.append((i, holders[i], after))
                    holders[i] = after
            self._deltas.append(tuple(delta))
            if step % CHECKPOINT == 0:
                self._checkpoints.append(tuple(holders))
            total = self._total[-1]
            for flow in event.flows:
                self._flows.append(FlowAt(step, flow))
                total = total.plus(flow)
            self._flow_end.append(len(self._flows))
            self._total.append(total)
        self._tally_checkpoints: list[tuple[dict[str, Tally], dict[str, Tally]]] = []
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
                holders[i] = after
        return tuple(holders)

    def changes_at(self, step: int) -> tuple[ControlChange, ...]:
        step = self._check(step)
        towns = self.scenario.towns
        return tuple(ControlChange(step, towns[i].id, before, after) for i, before, after in self._deltas[step])

    def displacement_at(self, step: int) -> Displacement:
        step = self._check(step)
        self._build_tally_checkpoints()
        origin, dest = (dict(d) for d in self._tally_checkpoints[step // CHECKPOINT])
        first = self._flow_end[(step // CHECKPOINT) * CHECKPOINT]
        for j in range(first, self._flow_end[step]):
            flow = self._flows[j].flow
            origin[flow.origin] = origin.get(flow.origin, Tally()).plus(flow)
            dest[flow.destination] = dest.get(flow.destination, Tally()).plus(flow)
        return Displacement(self._total[step], origin, dest)

    def state_at(self, step: int) -> Situation:
        """The situation after event `step` (0: the start). The last one asked for is kept: every panel of
        a board asks for the same step in turn, and a situation is a fixed value."""
        last = self._last
        if last is not None and last.step == step:
            return last
        step = self._check(step)
        event = self.scenario.events[step - 1] if step else None
        last = self._last = Situation(
            scenario=self.scenario,
            step=step,
            steps=self.steps,
            event=event,
            holders=self.holders_at(step),
            changed=self.changes_at(step),
            flows=FlowsSoFar(self._flows, self._flow_end[step]),
            step_flows=event.flows if event else (),
            displaced=self.displacement_at(step),
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
                history[towns[i].id].append((step, after))
        return history

    def history(self, town_id: str) -> list[tuple[int, str]]:
        """Every (step, holder) a town has had, starting with step 0."""
        return list(self._history[town_id])

    def flows_of(self, town_id: str) -> list[FlowAt]:
        """Flows leaving or reaching a town, over the whole timeline."""
        return [f for f in self._flows if town_id in (f.flow.origin, f.flow.destination)]

    def _check(self, step: int) -> int:
        if not 0 <= step <= self.steps:
            raise IndexError(f"step {step} is outside 0..{self.steps}")
        return step

    def _build_tally_checkpoints(self) -> None:
        if self._tally_checkpoints:
            return
        origin: dict[str, Tally] = {}
        dest: dict[str, Tally] = {}
        checkpoints: list[tuple[dict[str, Tally], dict[str, Tally]]] = [({}, {})]
        done = 0
        for base in range(CHECKPOINT, self.steps + 1, CHECKPOINT):
            for j in range(done, self._flow_end[base]):
                flow = self._flows[j].flow
                origin[flow.origin] = origin.get(flow.origin, Tally()).plus(flow)
                dest[flow.destination] = dest.get(flow.destination, Tally()).plus(flow)
            done = self._flow_end[base]
            checkpoints.append((dict(origin), dict(dest)))
        self._tally_checkpoints = checkpoints
