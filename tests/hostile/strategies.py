"""Hypothesis strategies for hostile scenario text and numbers, and scenarios built from them.

What a scenario author (or whoever made the file they were sent) can put in a
string: markup that Rich or Textual would obey (`[/]`, `[@click=app.quit]`),
escapes of that markup (backslashes), bidi controls and right-to-left text,
control characters and escape sequences, combining and wide characters, and
numbers written as text. `hostile_numbers` are YAML values for the fields that
hold numbers, which the checker must reject or bound.

Import from a test in this folder as `from strategies import ...` (pytest puts
the test's folder on `sys.path`).
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

# Rich and Textual markup: closing tags with nothing open, actions, links,
# variables, styles, and brackets that only look like tags.
MARKUP = (
    "[/]",
    "[/bold]",
    "[bold]",
    "[b]",
    "[i]x[/i]",
    "[@click=app.quit]",
    "[@click=app.bell]quit[/]",
    "[link=https://example.com]",
    "[link='file:///etc/passwd']here[/link]",
    "[$text-success]",
    "[$accent]",
    "[on red]",
    "[#ff0000]",
    "[red on blue]",
    "[reverse]",
    "[",
    "]",
    "[]",
    "[[",
    "]]",
    "[sic]",
    "[draft]",
    "[1]",
    "[/1]",
    "$variable",
    "[b",
    "b]",
    "[=]",
    "[@]",
    "[/@click]",
)
# Escapes: a backslash before a bracket is Rich's escape, and a trailing one escapes whatever follows.
ESCAPES = ("\\", "\\[", "\\[/]", "\\\\[b]", "[b]\\", "\\n", "\\x1b", "\\u202e", "C:\\Users\\brief\\")
BIDI_CONTROLS = tuple("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
RTL = ("حمص", "حماة", "دمشق", "שלום", "ܣܘܪܝܐ", "ދިވެހި", "Homs حمص 2024", "١٢٣", "۴۵۶")
# C0 and C1 controls, DEL, and whole terminal sequences: clear screen, window
# title, clipboard (OSC 52), cursor moves, a hyperlink.
CONTROLS = (
    "\x00",
    "\x07",
    "\x08",
    "\t",
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\x9d",
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1b[31m",
    "\x1b[1000;1000H",
    "\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\",
    "\x9b2J",
    "\u2028",
    "\u2029",
)
# Characters XML 1.0 cannot carry (an SVG export holding one is not XML).
XML_INVALID = ("\x00", "\x01", "\x1b", "\ufffe", "\uffff")
WIDE = (
    "東京",
    "ＡＢＣ",
    "🇸🇾",
    "👨\u200d👩\u200d👧",
    "❤\ufe0f",
    "e\u0301",
    "a" + "\u0301" * 40,
    "\u200b",
    "\u00ad",
    "\ufeff",
    "ﷺ",
    "ꧠ",
    "𒐫",
    "\u3000",
    "Z\u0351\u0352\u0353\u0354\u0355",
)
# Numbers as text: what a title may say, and what `int()` and `float()` choke on.
NUMBERS_AS_TEXT = (
    "9" * 5000,
    "1e309",
    "-0",
    "NaN",
    "inf",
    "0x1F",
    "1_000",
    "²",
    "٣",
    "３",
    "𝟑",
    "1:20",
    "1e-400",
    str(10**30),
    "-" + "1" * 40,
)
FRAGMENTS = MARKUP + ESCAPES + BIDI_CONTROLS + RTL + CONTROLS + XML_INVALID + WIDE + NUMBERS_AS_TEXT


def hostile_text(min_size: int = 1, max_size: int = 8) -> st.SearchStrategy[str]:
    """A string made of hostile fragments, plain words and arbitrary characters.

    Never empty after stripping when `min_size` > 0 would matter to the
    checker: a word is always included so that required strings stay present.
    """
    piece = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(("Army", "withdraws", "Homs", " ", "-", "'", '"', ":", "#", "&", "<b>", "&amp;", "%s", "{}")),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=4),
    )
    return st.lists(piece, min_size=min_size, max_size=max_size).map(lambda parts: "Word " + "".join(parts))


def markup_text() -> st.SearchStrategy[str]:
    """Only markup and escapes around a word: the cases that crash or lose text when parsed."""
    return st.lists(st.sampled_from(MARKUP + ESCAPES), min_size=1, max_size=4).map(
        lambda parts: " ".join([*parts[:1], "Army", *parts[1:]])
    )


# Values (YAML source text) for fields that hold numbers: population, people,
# lat and lon. Each is either rejected by the checker or bounded by it.
HOSTILE_NUMBERS = (
    "9" * 3600,
    "9" * 4300,
    "9" * 5000,
    "-1",
    "1e309",
    ".nan",
    ".inf",
    "-.inf",
    "1_000_000",
    "0x7fffffff",
    "0o777",
    "1:20:30",
    "10000000000",
    "10000000001",
    "99999999999999999999",
    "1.5",
    "-0",
    "+1",
    "0",
)


def hostile_number() -> st.SearchStrategy[str]:
    """A YAML value for a number field (as written in the file, not quoted)."""
    return st.one_of(st.sampled_from(HOSTILE_NUMBERS), st.integers(-(10**12), 10**40).map(str))


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back exactly, whatever it holds.

    Every character outside printable ASCII is an escape: YAML forbids some raw
    characters in a stream (C1 controls, U+FFFE), and escapes keep the file ASCII.
    """
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


class Texts:
    """The user text of one scenario, by where it goes; `next_text()` gives each in turn."""

    def __init__(self, next_text: Callable[[], str]) -> None:
        self.title = next_text()
        self.subtitle = next_text()
        self.summary = next_text()
        self.factions = [next_text() for _ in range(2)]
        self.towns = [next_text() for _ in range(3)]
        self.source = next_text()
        self.source_kind = next_text()
        self.events = [next_text() for _ in range(2)]
        self.event_text = next_text()
        self.kind = next_text()
        self.estimate = next_text()

    @classmethod
    def drawn(cls, draw: st.DrawFn, text: st.SearchStrategy[str]) -> Texts:
        return cls(lambda: draw(text))

    @classmethod
    def every(cls, text: str) -> Texts:
        """The same text in every place."""
        return cls(lambda: text)


def scenario_yaml(t: Texts, *, population: str = "50000", people: str = "12000") -> str:
    """A valid scenario (when the numbers are) that puts each of `t`'s texts where the board shows it.

    `population` is given to two towns and `people` to two flows, so that the
    board adds each number to itself.
    """
    q = yaml_quoted
    return f"""\
sitboard: 1
title: {q(t.title)}
subtitle: {q(t.subtitle)}
summary: {q(t.summary)}
factions:
  - {{id: red, name: {q(t.factions[0])}, mark: "["}}
  - {{id: blue, name: {q(t.factions[1])}, mark: "]"}}
towns:
  - {{id: north, name: {q(t.towns[0])}, lat: 11.8, lon: 11.0, kind: city, control: red, population: {population}}}
  - {{id: south, name: {q(t.towns[1])}, lat: 10.2, lon: 11.0, control: blue}}
  - {{id: west, name: {q(t.towns[2])}, lat: 11.0, lon: 10.2, kind: village, control: blue, population: {population}}}
sources:
  - {{id: wire, name: {q(t.source)}, kind: {q(t.source_kind)}}}
events:
  - time: 2024-01-01
    title: {q(t.events[0])}
    text: {q(t.event_text)}
    kind: {q(t.kind)}
    at: north
    actors: [red, blue]
    control: {{north: blue}}
    flows:
      - {{from: north, to: west, people: {people}}}
      - {{from: north, to: south, estimate: {q(t.estimate)}}}
    sources: [wire]
    confidence: reported
  - time: 2024-01-02T14:30
    title: {q(t.events[1])}
    at: west
    control: {{west: red}}
    flows:
      - {{from: west, to: south, people: {people}}}
    sources: [wire]
"""


@st.composite
def hostile_scenarios(draw: st.DrawFn, text: st.SearchStrategy[str] | None = None) -> tuple[Texts, str]:
    """(the texts, the scenario's YAML): a valid scenario whose every string is hostile."""
    texts = Texts.drawn(draw, hostile_text() if text is None else text)
    return texts, scenario_yaml(texts)


@st.composite
def scenarios_with_hostile_numbers(draw: st.DrawFn) -> str:
    """Scenario YAML whose population and people are hostile numbers (text stays plain)."""
    plain = st.sampled_from(("Northtown", "Red side", "A report"))
    texts = Texts.drawn(draw, plain)
    return scenario_yaml(texts, population=draw(hostile_number()), people=draw(hostile_number()))
