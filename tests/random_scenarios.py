"""Random valid scenarios drawing on every kind of value the format has, for property tests."""

from __future__ import annotations

import random
from datetime import date, timedelta

FACTIONS = ["gov", "hts", "sdf", "sna", "isis"]
COMPASS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]


def random_scenario(seed: int, towns: int, events: int) -> str:
    """A valid scenario drawing on every kind of value the format has: states, offsets, ranges, several destinations."""
    rng = random.Random(seed)
    factions = FACTIONS[: rng.randint(2, len(FACTIONS))]
    holders = [*factions, "unknown", "contested"]

    def state(holder: str | None = None) -> str:
        holder = holder or rng.choice(factions)
        others = [f for f in factions if f != holder]
        pick = rng.random()
        if pick < 0.3:
            by = ", ".join(rng.sample(others, rng.randint(1, len(others))))
            return f"{{holder: {holder}, state: besieged, by: [{by}], from: [{rng.choice(COMPASS)}]}}"
        if pick < 0.5:
            return f"{{holder: {holder}, state: encircled, by: [{rng.choice(others)}]}}"
        if pick < 0.7:
            return f"{{state: mixed, holders: [{holder}, {rng.choice(others)}]}}"
        if pick < 0.85:
            return f"{{holder: {holder}, state: truce, with: [{rng.choice(others)}]}}"
        return f"{{holder: {holder}, present: [{rng.choice(others)}]}}"

    def holder() -> str:
        return state() if rng.random() < 0.15 else rng.choice(holders)

    lines = ["sitboard: 1", f"title: Random {seed}", f"map: {{areas: {rng.choice(['true', 'false'])}}}", "factions:"]
    lines += [f"  - {{id: {f}, name: Side {f.upper()}}}" for f in factions]
    lines += ["sources:"] + [
        f"  - {{id: s{i}, name: Source {i}{', affiliation: ' + factions[0] if i == 0 else ''}}}" for i in range(3)
    ]
    lines.append("towns:")
    for i in range(towns):
        population = f", population: {rng.randint(0, 900000)}" if rng.random() < 0.7 else ""
        pcode = f", pcode: P{i}" if rng.random() < 0.2 else ""
        lines.append(
            f"  - {{id: t{i}, name: Town {i}, lat: {33 + rng.random() * 3:.4f}, lon: {36 + rng.random() * 3:.4f}"
            f", kind: {rng.choice(['city', 'town', 'village'])}{population}{pcode}, control: {holder()}}}"
        )
    lines.append("events:")
    day_ = date(2024, 1, 1)
    timed = False
    for e in range(events):
        if timed or rng.random() < 0.6:
            day_ += timedelta(days=rng.randint(1, 3))
            timed = rng.random() < 0.2
        when = f"{day_.isoformat()}T{rng.randint(0, 23):02d}:30" if timed else day_.isoformat()
        lines += [f"  - time: {when}", f"    title: Event {e} near 'Town' #{e}"]
        if not timed and rng.random() < 0.15:
            lines.append(f"    until: {(day_ + timedelta(days=rng.randint(0, 5))).isoformat()}")
        if rng.random() < 0.6:
            lines.append(f"    text: {rng.randint(0, 40)} dead, [not markup] {'é' * rng.randint(0, 2)}")
        if rng.random() < 0.7:
            lines.append(f"    kind: {rng.choice(['clash', 'airstrike', 'capture'])}")
        place = rng.random()
        if place < 0.5:
            lines.append(f"    at: t{rng.randrange(towns)}")
        elif place < 0.65:
            lines.append(
                f"    at: {{town: t{rng.randrange(towns)}, km: {rng.randint(1, 30)}, toward: {rng.choice(COMPASS)}}}"
            )
        if place < 0.65 and rng.random() < 0.2:
            lines.append(f"    precision: {rng.choice(['near', 'district', 'province'])}")
        if rng.random() < 0.6:
            lines.append(f"    actors: [{', '.join(rng.sample(factions, rng.randint(1, 2)))}]")
        if rng.random() < 0.5:
            lines.append(f"    sources: [s{rng.randrange(3)}]")
        if rng.random() < 0.5:
            lines.append(f"    confidence: {rng.choice(['confirmed', 'reported', 'claimed', 'disputed'])}")
        if rng.random() < 0.1:
            lines.append(f"    notes: Briefer note {e}")
        if rng.random() < 0.1:
            lines.append(f"    view: {{focus: [t{rng.randrange(towns)}], margin_km: {rng.randint(5, 80)}}}")
        if rng.random() < 0.15:
            best = rng.randint(0, 50)
            lines.append(
                f"    deaths: {{best: {best}, low: {best // 2}, high: {best * 2}}}"
                if best % 2
                else f"    deaths: {best}"
            )
        if rng.random() < 0.5:
            changed = rng.sample(range(towns), rng.randint(1, min(3, towns)))
            full = rng.random() < 0.25  # every change of the event a full record, or none
            values = [state() if full else rng.choice(holders) for _ in changed]
            lines.append("    control: {" + ", ".join(f"t{t}: {v}" for t, v in zip(changed, values)) + "}")
        if towns >= 4 and rng.random() < 0.3:
            flows = []
            for _ in range(rng.randint(1, 3)):
                origin, *to = rng.sample(range(towns), rng.randint(2, 4))
                target = (
                    f"t{to[0]}" if len(to) == 1 or rng.random() < 0.5 else "[" + ", ".join(f"t{t}" for t in to) + "]"
                )
                people = f", people: {rng.randint(0, 20000)}" if rng.random() < 0.7 else ""
                estimate = ", estimate: thousands" if rng.random() < 0.3 else ""
                flows.append(f"{{from: t{origin}, to: {target}{people}{estimate}}}")
            lines.append(f"    flows: [{', '.join(flows)}]")
    return "\n".join(lines) + "\n"
