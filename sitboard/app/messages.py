"""Messages that widgets post up to the app (attributes down, messages up)."""

from __future__ import annotations

from textual.message import Message


class StepRequested(Message):
    """A widget asks the app to show a step (e.g. a click on the timeline strip)."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step


class TownSelected(Message):
    """A town was picked in the list or on the map."""

    def __init__(self, town_id: str) -> None:
        super().__init__()
        self.town_id = town_id


class ScenarioReloaded(Message):
    """The watched file was read again and the board now shows it (posted when the swap is done)."""

    def __init__(self, steps: int) -> None:
        super().__init__()
        self.steps = steps


class ViewChanged(Message):
    """The map asks for another view (a drag pans): a centre and a zoom, as in `BoardState`."""

    def __init__(self, center: tuple[float, float] | None, zoom: float) -> None:
        super().__init__()
        self.center = center
        self.zoom = zoom


class ZoomRequested(Message):
    """The wheel asks to zoom by `factor`, keeping the place `at` (lat, lon) under the pointer (None: the centre).

    Relative, not a view: notches that come faster than the board answers each zoom once.
    """

    def __init__(self, factor: float, at: tuple[float, float] | None) -> None:
        super().__init__()
        self.factor = factor
        self.at = at
