"""Who holds what: per-faction totals, this step's changes, and every town."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sitboard.app.messages import TownSelected
from sitboard.app.style import Look
from sitboard.app.widgets.text_panel import TextPanel
from sitboard.model import CONTESTED, UNKNOWN
from sitboard.timeline import BoardState


class ControlPanel(Vertical):
    state: reactive[BoardState | None] = reactive(None)

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.look = look
        self.border_title = "Control"

    def compose(self) -> ComposeResult:
        yield TextPanel(id="control-summary", ascii_only=self.look.ascii_only)
        yield TownList(self.look, id="towns")

    def watch_state(self, state: BoardState | None) -> None:
        if state is None or not self.is_attached or not self.children:
            return
        self.query_one("#control-summary", TextPanel).show(self.summary(state))
        self.query_one(TownList).show(state)

    def on_mount(self) -> None:
        self.watch_state(self.state)

    def summary(self, state: BoardState) -> Text:
        look = self.look
        out = Text()
        out.append("Towns held:\n", style="bold")
        for fid in [f.id for f in look.scenario.factions] + [CONTESTED, UNKNOWN]:
            towns, pop, unknown_pop = state.held(fid)
            if not towns and fid in (CONTESTED, UNKNOWN):
                continue
            h = look.holders[fid]
            out.append(f" {h.mark} ", style=f"bold reverse {h.color}")
            out.append(f" {towns:>3} ", style="bold")
            out.append(look.text(h.name))
            if pop:
                # Population held counts only towns whose population is given.
                out.append(f"  pop. {pop:,}" + (" + unknown" if unknown_pop else ""), style="dim")
            out.append("\n")
        if state.changed:
            out.append("Changed at this step:\n", style="bold")
            for c in state.changed:
                out.append(f" {look.glyph('town')} ", style="bold reverse")
                out.append(
                    f" {look.town_name(c.town)}: {look.holder_name(c.before)} {look.arrow()} {look.holder_name(c.after)}\n",
                    style="bold",
                )
        else:
            out.append("No control changes at this step.\n", style="dim")
        out.rstrip()
        return out


class TownList(OptionList):
    """Every town with its holder; Enter or a click shows the town's history."""

    def __init__(self, look: Look, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.look = look
        self._holders: tuple[str, ...] | None = None
        self._changed: set[str] = set()

    def show(self, state: BoardState) -> None:
        if state.holders == self._holders and not self._changed and not state.changed:
            return
        towns = self.look.scenario.towns
        changed = {c.town for c in state.changed}
        highlighted = self.highlighted
        if self._holders is None or len(self._holders) != len(state.holders):
            self.clear_options()
            self.add_options(
                [Option(self._prompt(t.id, t.kind, h, t.id in changed), id=t.id) for t, h in zip(towns, state.holders)]
            )
        else:
            for t, old, new in zip(towns, self._holders, state.holders):
                if old != new or t.id in changed or t.id in self._changed:
                    self.replace_option_prompt(t.id, self._prompt(t.id, t.kind, new, t.id in changed))
        self._holders = state.holders
        self._changed = changed
        if highlighted is not None:
            self.highlighted = highlighted

    def _prompt(self, town_id: str, kind: str, holder: str, changed: bool) -> Text:
        h = self.look.holders[holder]
        text = Text()
        text.append(f" {h.mark} ", style=f"bold reverse {h.color}")
        text.append(f" {self.look.glyph(kind)} {self.look.town_name(town_id)}", style="bold" if changed else "")
        if changed:
            text.append("  changed", style="bold reverse")
        return text

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(TownSelected(event.option.id))
