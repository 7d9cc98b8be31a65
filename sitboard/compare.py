"""What changed between two steps: towns that changed hands and who gained them, people displaced, events.

"What changed since last week?" asks about two moments, not the path between
them: a town is changed when its control at the end is not what it was at the
start (a new holder, or the same holder in a new state: besieged, mixed...). A
town taken and retaken within the window is the same at both ends; it is kept
apart (`returned`), so that a report can say so without calling it a change.

Flows are those of the events in the window, counted as the board counts them:
a flow without a figure is never a number, the sources' words travel with the
total instead, and destinations that share one figure count it once.

`changed_towns` is the cheap half, for a picture that marks what changed
between two steps (the board's split view): it looks only at the changes in
the window, never at every town.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from sitboard.scenario.model import CONTESTED, MIXED, UNKNOWN, Control, Event, Scenario, plain_control
from sitboard.timeline import MIXED_TOWNS, DestinationKey, FlowAt, Tally, Timeline, destination_key


class TownChange(NamedTuple):
    """A town whose control at the end of the window is not what it was at the start."""

    town: str
    before: Control
    after: Control
    steps: tuple[int, ...]  # the steps in the window at which its control changed

    @property
    def gainer(self) -> str | None:
        """Whom the town went to: the new holder, `MIXED_TOWNS` for mixed control, None when the holder stayed."""
        if self.after.state == MIXED:
            return MIXED_TOWNS
        if self.before.state != MIXED and self.before.holder == self.after.holder:
            return None  # the same holder in a new state: nobody gained it
        return self.after.holder


class Holding(NamedTuple):
    """What one holder held at both ends: towns, and the people of those whose population is given."""

    holder: str  # a faction id, `contested`, `unknown` or `MIXED_TOWNS`
    towns: tuple[int, int]
    population: tuple[int, int]  # counting only towns whose population is given
    unknown_population: tuple[int, int]  # towns held whose population is not given

    @property
    def net_towns(self) -> int:
        return self.towns[1] - self.towns[0]

    @property
    def net_population(self) -> int:
        return self.population[1] - self.population[0]


class Comparison(NamedTuple):
    """The board at `end` set against the board at `start` (steps, `start <= end`)."""

    scenario: Scenario
    start: int
    end: int
    changes: tuple[TownChange, ...]  # in the scenario's order of towns
    returned: tuple[TownChange, ...]  # changed within the window, and back to what they were
    holdings: tuple[Holding, ...]  # every holder with a town at either end, factions first
    flows: tuple[FlowAt, ...]  # the window's flows, in order
    displaced: Tally  # as the board counts: no number where no figure was given, the sources' words instead
    by_destination: dict[DestinationKey, Tally]
    events: tuple[Event, ...]  # the window's events: steps start+1 .. end

    def gains(self) -> list[tuple[str | None, tuple[TownChange, ...]]]:
        """The changes grouped by whom the towns went to (`TownChange.gainer`), in `holder_order`."""
        groups: dict[str | None, list[TownChange]] = {}
        for change in self.changes:
            groups.setdefault(change.gainer, []).append(change)
        order = holder_order(self.scenario)
        return [(g, tuple(groups[g])) for g in sorted(groups, key=lambda g: order.get(g, len(order)))]


def holder_order(scenario: Scenario) -> dict[str | None, int]:
    """How holders are listed: the factions as the file gives them, contested, unknown, mixed, then None."""
    keys: list[str | None] = [f.id for f in scenario.factions]
    keys += [CONTESTED, UNKNOWN, MIXED_TOWNS, None]
    return {key: i for i, key in enumerate(keys)}


def compare(timeline: Timeline, start: int, end: int) -> Comparison:
    """The comparison of two steps. Raises IndexError outside 0..steps, ValueError if `start` is after `end`.

    Asks the timeline for both steps' situations (`state_at`), so a board
    should call `changed_towns` instead: it keeps the board's own situation.
    """
    if start > end:
        raise ValueError(f"the window starts at step {start}, after its end, step {end}")
    end_state = timeline.state_at(end)
    start_holdings = timeline.state_at(start).holdings()
    end_holdings = end_state.holdings()
    changes: list[TownChange] = []
    returned: list[TownChange] = []
    for change in _window_changes(timeline, start, end):
        (returned if change.before.restates(change.after) else changes).append(change)
    holdings = []
    for holder in sorted(start_holdings.keys() | end_holdings.keys(), key=holder_order(timeline.scenario).__getitem__):
        (t0, p0, u0), (t1, p1, u1) = start_holdings.get(holder, (0, 0, 0)), end_holdings.get(holder, (0, 0, 0))
        holdings.append(Holding(holder, (t0, t1), (p0, p1), (u0, u1)))
    flows = tuple(end_state.flows[len(timeline.state_at(start).flows) :]) if start < end else ()
    displaced = Tally()
    by_destination: dict[DestinationKey, Tally] = {}
    for flow_at in flows:
        displaced = displaced.plus(flow_at.flow)
        key = destination_key(flow_at.flow)
        by_destination[key] = by_destination.get(key, Tally()).plus(flow_at.flow)
    return Comparison(
        scenario=timeline.scenario,
        start=start,
        end=end,
        changes=tuple(changes),
        returned=tuple(returned),
        holdings=tuple(holdings),
        flows=flows,
        displaced=displaced,
        by_destination=by_destination,
        events=tuple(timeline.scenario.events[start:end]),  # a stored scenario's events are a sequence
    )


def changed_towns(timeline: Timeline, a: int, b: int) -> frozenset[str]:
    """The towns whose control differs between steps `a` and `b` (in either order): the work is the window's changes."""
    start, end = sorted((timeline.clamp(a), timeline.clamp(b)))
    return frozenset(c.town for c in _window_changes(timeline, start, end) if not c.before.restates(c.after))


def _window_changes(timeline: Timeline, start: int, end: int) -> Iterator[TownChange]:
    """Every town the window's events changed: its control before the first change and after the last, in town order."""
    first: dict[str, Control] = {}
    last: dict[str, Control] = {}
    steps: dict[str, list[int]] = {}
    for step in range(start + 1, end + 1):
        for c in timeline.changes_at(step):
            first.setdefault(c.town, c.before_state or plain_control(c.before))
            last[c.town] = c.after_state or plain_control(c.after)
            steps.setdefault(c.town, []).append(step)
    index = timeline.scenario.town_index
    for town in sorted(first, key=index.__getitem__):
        yield TownChange(town, first[town], last[town], tuple(steps[town]))
