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
