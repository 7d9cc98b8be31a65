"""What the board shows, as one value: the step and the view.

Everything a second screen needs to show the same thing (a follower in the
briefing room, a split view, a picture taken later) is here, and nothing
else: the scenario travels apart, and playing (a timer) is the presenter's
own transport, not something a follower follows. The value is immutable and
plain (`to_json` / `from_json`), so it can be sent, stored and compared.

The view is a centre and a zoom relative to the scenario's home view, not
bounds: a screen of another size or shape then shows the same place at the
same scale relative to its own home view. `sitboard.geo.camera` turns it into
map bounds and has the moves that need the map's geometry (zoom, pan).

Key presses produce new values through the pure moves below; the board sets
its one reactive to the result and every widget redraws from it.
"""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

from sitboard.timeline import Timeline

# How far from (0, 0) a centre may be, in degrees: far past any map (panning
# there takes a million key presses), and near enough that a view's bounds
# stay distinct numbers.
MAX_CENTER = 1e6
# The map's context layers, each of which a briefer may hide (see `sitboard.geo.context_layer`).
CONTEXT_LAYERS = ("countries", "water", "rivers", "places")


class BoardState(NamedTuple):
    """The step (0 = the start state, k = after the k-th event) and the view."""

    step: int = 0
    center: tuple[float, float] | None = None  # (lat, lon) of the map's centre; None: the home view's
    zoom: float = 1.0  # relative to the home view (1 = home, 2 = twice as close)
    areas: bool = False  # land shaded by the nearest town's holder
    selected: str | None = None  # a town id: drawn highlighted
    present: bool = False  # presentation mode: the map fills the screen
    # The split view: the step drawn beside this one (the same view, left), with what changed marked on both.
    compare: int | None = None
    hidden: tuple[str, ...] = ()  # context layers hidden (sorted; of CONTEXT_LAYERS)

    def to_json(self) -> dict[str, object]:
        """Plain JSON types only; `from_json` gives back an equal value."""
        return {
            "step": self.step,
            "center": None if self.center is None else [self.center[0], self.center[1]],
            "zoom": self.zoom,
            "areas": self.areas,
            "selected": self.selected,
            "present": self.present,
            "compare": self.compare,
            "hidden": list(self.hidden),
        }

    @classmethod
    def from_json(cls, data: object) -> BoardState:
        """The value `to_json` made; ValueError with a sentence for anything else (it may come off a network)."""
        if not isinstance(data, dict):
            raise ValueError(f"a board state is a JSON object, not {type(data).__name__}")
        unknown = sorted(set(data) - set(cls._fields))
        if unknown:
            raise ValueError(f"a board state has no key {str(unknown[0])[:40]!r}")
        step = data.get("step", 0)
        if type(step) is not int or step < 0:
            raise ValueError(f"a board state's step is a whole number from 0, not {_shown(step)}")
        center = data.get("center")
        if center is not None:
            if not (
                isinstance(center, list)
                and len(center) == 2
                and all(_finite(v) and abs(v) <= MAX_CENTER for v in center)
            ):
                raise ValueError(f"a board state's center is [lat, lon] within ±{MAX_CENTER:g}, not {_shown(center)}")
            center = (float(center[0]), float(center[1]))
        zoom = data.get("zoom", 1.0)
        if not (_finite(zoom) and zoom > 0):
            raise ValueError(f"a board state's zoom is a finite number above 0, not {_shown(zoom)}")
        selected = data.get("selected")
        if selected is not None and not isinstance(selected, str):
            raise ValueError(f"a board state's selected town is a town id or null, not {_shown(selected)}")
        flags = {}
        for key in ("areas", "present"):
            value = data.get(key, False)
            if not isinstance(value, bool):
                raise ValueError(f"a board state's {key} is true or false, not {_shown(value)}")
            flags[key] = value
        compare = data.get("compare")
        if compare is not None and (type(compare) is not int or compare < 0):
            raise ValueError(f"a board state's compare is a whole number from 0 or null, not {_shown(compare)}")
        hidden = data.get("hidden", [])
        if not (
            isinstance(hidden, list)
            and all(isinstance(layer, str) and layer in CONTEXT_LAYERS for layer in hidden)
            and len(set(hidden)) == len(hidden)
        ):
            raise ValueError(
                f"a board state's hidden layers are a list of distinct names of {', '.join(CONTEXT_LAYERS)}, "
                f"not {_shown(hidden)}"
            )
        return cls(
            step, center, float(zoom), flags["areas"], selected, flags["present"], compare, tuple(sorted(hidden))
        )


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- moves through the timeline ---------------------------------------------------


def go_to(state: BoardState, timeline: Timeline, step: int) -> BoardState:
    """`state` at `step`, held within the timeline."""
    step = timeline.clamp(step)
    return state if step == state.step else state._replace(step=step)


def next_step(state: BoardState, timeline: Timeline) -> BoardState:
    return go_to(state, timeline, state.step + 1)


def previous_step(state: BoardState, timeline: Timeline) -> BoardState:
    return go_to(state, timeline, state.step - 1)


def first_step(state: BoardState, timeline: Timeline) -> BoardState:
    return go_to(state, timeline, 0)


def last_step(state: BoardState, timeline: Timeline) -> BoardState:
    return go_to(state, timeline, timeline.steps)


class StepOutOfRange(ValueError):
    """A step asked for by number is past the last event."""

    def __init__(self, step: int, steps: int) -> None:
        super().__init__(f"step {step} is past the last event (the scenario has {steps} events)")
        self.step, self.steps = step, steps


def resolve_step(step: int | Literal["end"], steps: int) -> int:
    """A step as a person gives it (a number, or "end") for a timeline of `steps`; StepOutOfRange past the end."""
    if step == "end":
        return steps
    if step > steps:
        raise StepOutOfRange(step, steps)
    return max(0, step)


# -- moves of the view that need no geometry ------------------------------------------


def reset_view(state: BoardState) -> BoardState:
    return state._replace(center=None, zoom=1.0)


def toggle_areas(state: BoardState) -> BoardState:
    return state._replace(areas=not state.areas)


def toggle_layer(state: BoardState, layer: str) -> BoardState:
    """Hide a context layer that is shown, show one that is hidden (unknown names change nothing)."""
    if layer not in CONTEXT_LAYERS:
        return state
    hidden = set(state.hidden) ^ {layer}
    return state._replace(hidden=tuple(sorted(hidden)))


def toggle_present(state: BoardState) -> BoardState:
    return state._replace(present=not state.present)


def select(state: BoardState, town_id: str | None) -> BoardState:
    return state._replace(selected=town_id)


def compare_with(state: BoardState, timeline: Timeline, step: int | None) -> BoardState:
    """The split view with `step` (held within the timeline) beside the current step; None closes it."""
    return state._replace(compare=None if step is None else timeline.clamp(step))
