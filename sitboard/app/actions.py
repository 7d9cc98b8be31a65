"""Every action a briefer can take, as data.

One table feeds the key bindings, the footer, the `?` help screen and the
command palette, so a key can never be documented in one place and missing in
another.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding


class BoardAction(NamedTuple):
    action: str  # the App's action name, without "action_"
    keys: str  # Textual key names, comma separated; the first is shown
    label: str  # short, for the footer
    help: str  # a sentence, for the help screen and the palette
    group: str
    footer: bool = True
    display: str | None = None  # how the key is shown, when its name is not readable


ACTIONS: tuple[BoardAction, ...] = (
    BoardAction("next", "right,l,n", "Next", "Step to the next event", "Timeline", display="→"),
    BoardAction("previous", "left,h,p", "Prev", "Step back to the previous event", "Timeline", display="←"),
    BoardAction("first", "home", "Start", "Go to the start state, before the first event", "Timeline", footer=False),
    BoardAction("last", "end", "End", "Go to the last event (and follow new ones)", "Timeline", footer=False),
    BoardAction("toggle_play", "space", "Play", "Play or pause: step through events automatically", "Timeline"),
    BoardAction("slower", "left_square_bracket", "Slower", "Play more slowly", "Timeline", footer=False, display="["),
    BoardAction("faster", "right_square_bracket", "Faster", "Play faster", "Timeline", footer=False, display="]"),
    BoardAction("goto", "g", "Go to", "Jump to a step, 'end', a date (2024-12-05) or a town", "Timeline"),
    BoardAction("zoom_in", "plus,equals_sign", "Zoom", "Zoom the map in", "Map", footer=False, display="+"),
    BoardAction("zoom_out", "minus", "Zoom out", "Zoom the map out", "Map", footer=False, display="-"),
    BoardAction("pan('west')", "shift+left", "Pan W", "Pan the map west", "Map", footer=False, display="⇧←"),
    BoardAction("pan('east')", "shift+right", "Pan E", "Pan the map east", "Map", footer=False, display="⇧→"),
    BoardAction("pan('north')", "shift+up", "Pan N", "Pan the map north", "Map", footer=False, display="⇧↑"),
    BoardAction("pan('south')", "shift+down", "Pan S", "Pan the map south", "Map", footer=False, display="⇧↓"),
    BoardAction("reset_view", "0", "Reset view", "Reset the map to the scenario's extent", "Map", footer=False),
    BoardAction("toggle_areas", "a", "Areas", "Shade the land by the nearest town's holder", "Map"),
    BoardAction(
        "compare",
        "c",
        "Compare",
        "Split view: the map at an earlier date beside this step",
        "Map",
        footer=False,
    ),
    BoardAction("toggle_layer('countries')", "b", "Countries", "Show or hide country names", "Map", footer=False),
    BoardAction("toggle_layer('water')", "w", "Seas", "Show or hide the names of seas and lakes", "Map", footer=False),
    BoardAction("toggle_layer('rivers')", "v", "Rivers", "Show or hide rivers and their names", "Map", footer=False),
    BoardAction(
        "toggle_layer('places')", "o", "Places", "Show or hide populated places (orientation only)", "Map", footer=False
    ),
    BoardAction("toggle_present", "f", "Present", "Presentation mode: the map fills the screen", "View"),
    BoardAction("cycle_theme", "t", "Theme", "Cycle dark, light and high-contrast themes", "View", footer=False),
    BoardAction(
        "save_picture",
        "s",
        "Save SVG",
        "Save an SVG screenshot of the board in the current directory",
        "View",
        footer=False,
    ),
    BoardAction(
        "say_step",
        "r",
        "Read",
        "Say this step in one sentence, as narrate does",
        "View",
        footer=False,
    ),
    BoardAction("help", "question_mark", "Help", "Show every key", "View", display="?"),
    BoardAction("quit", "q", "Quit", "Quit sitboard", "View"),
)


def bindings() -> list[Binding]:
    return [Binding(a.keys, a.action, a.label, show=a.footer, key_display=a.display, tooltip=a.help) for a in ACTIONS]


def key_text(action: BoardAction, *, ascii_only: bool = False) -> str:
    """The keys of an action as a person would type them: `→ / l / n`."""
    names = {
        "right": "→",
        "left": "←",
        "home": "Home",
        "end": "End",
        "space": "Space",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "plus": "+",
        "equals_sign": "=",
        "minus": "-",
        "question_mark": "?",
        "shift+left": "Shift+←",
        "shift+right": "Shift+→",
        "shift+up": "Shift+↑",
        "shift+down": "Shift+↓",
    }
    ascii_names = {"→": "Right", "←": "Left", "↑": "Up", "↓": "Down"}
    out = []
    for key in action.keys.split(","):
        text = names.get(key, key)
        if ascii_only:
            for uni, word in ascii_names.items():
                text = text.replace(uni, word)
        out.append(text)
    return " / ".join(out)
