"""The Markdown briefing: the bottom line first, one section per event so far, sources once, honest totals."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from sitboard.exports.briefing import briefing_markdown
from sitboard.scenario.bundled import default_scenario
from sitboard.scenario.loader import load_scenario, parse_scenario
from sitboard.timeline import Timeline

# Numeric and unquantified flows, populations on some towns only, a contested
# town, a restated holder, a coordinate place, and user text that is Markdown
# syntax (a `|` in names, a line starting with `#`, HTML).
INLINE = textwrap.dedent(
    """\
    sitboard: 1
    title: Small war
    subtitle: A test | of pipes
    summary: |-
      Before it all.
      # not a heading
    factions:
      - {id: gov, name: Government, color: red, mark: G}
      - {id: reb, name: "Rebels | North", mark: "|"}
    towns:
      - {id: a, name: Alpha, lat: 10, lon: 20, kind: city, population: 100000, control: gov}
      - {id: b, name: "Bravo|Bis", lat: 11, lon: 21, population: 5000, control: gov}
      - {id: c, name: "Charlie\\nNorth", lat: 12, lon: 22, control: reb}
      - {id: d, name: Delta, lat: 13, lon: 23}
    sources:
      - {id: mon, name: "Monitor | Watch", kind: war monitor, url: "https://example.org/x"}
    events:
      - time: 2024-01-01
        title: Alpha shelled
        kind: airstrike
        at: a
        actors: [reb]
        flows: [{from: a, to: b, people: 10000}]
        sources: [mon]
        confidence: confirmed
      - time: 2024-01-02T08:30
        title: Bravo falls
        text: "<b>bold</b> claims *everywhere*"
        at: {lat: 11.5, lon: 21.25}
        control: {b: reb, a: gov}
        flows:
          - {from: b, to: a, people: 2000, estimate: about two thousand}
          - {from: b, to: c, estimate: hundreds}
        confidence: disputed
      - time: 2024-01-03
        title: Delta fought over
        control: {d: contested}
        flows: [{from: d, to: a}]
    """
)


def load_bundled() -> Timeline:
    return Timeline(load_scenario(default_scenario()))


@pytest.fixture(scope="module")
def bundled() -> Timeline:
    return load_bundled()


@pytest.fixture(scope="module")
def small() -> Timeline:
    return Timeline(parse_scenario(INLINE, "small.yaml"))


def event_headings(md: str) -> list[str]:
    return re.findall(r"^### (\d+)\. ", md, flags=re.MULTILINE)


def section(md: str, heading: str) -> str:
    """The text under a `## ` heading, up to the next `## ` heading."""
    start = md.index(f"\n## {heading}")
    end = md.find("\n## ", start + 1)
    return md[start : end if end != -1 else len(md)]


def split_row(row: str) -> list[str]:
    """A table row's cells, splitting only on unescaped pipes."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row[1:-1])]


def tables(md: str) -> list[list[list[str]]]:
    out: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in md.splitlines():
        if line.startswith("|"):
            current.append(split_row(line))
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


# -- the bundled scenario ---------------------------------------------------


def test_one_section_per_event_up_to_the_step_and_not_beyond(bundled):
    titles = [e.title for e in bundled.scenario.events]
    for step in range(bundled.steps + 1):
        md = briefing_markdown(bundled, step)
        assert event_headings(md) == [str(k) for k in range(1, step + 1)]
        for k, title in enumerate(titles, start=1):
            heading = f"### {k}. "
            if k <= step:
                assert any(line.startswith(heading) and title in line for line in md.splitlines())
            else:
                assert heading not in md


def test_the_bundled_briefing_is_the_one_written_by_hand_from_the_article():
    """The golden file was written from the seed article's facts, not copied from this code's output."""
    golden = (Path(__file__).parent / "golden" / "central_syria_briefing.md").read_text(encoding="utf-8")
    timeline = load_bundled()
    assert briefing_markdown(timeline, timeline.steps) == golden


def test_the_bottom_line_comes_first_then_the_chronology_then_the_sources(bundled):
    md = briefing_markdown(bundled, 5)
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == ["## Bottom line, 2024-12-06", "## Chronology", "## Sources"]
    bottom = section(md, "Bottom line")
    assert "### Who holds what" in bottom and "### Changed since the start" in bottom
    assert "relatively stagnant in recent years" in section(md, "Chronology")


def test_every_source_is_listed_once_numbered_and_events_refer_to_the_numbers(bundled):
    for step in range(1, bundled.steps + 1):
        md = briefing_markdown(bundled, step)
        listed = re.findall(r"^(\d+)\. (.+)$", section(md, "Sources"), flags=re.MULTILINE)
        cited = {sid for e in bundled.scenario.events[:step] for sid in e.sources}
        assert [int(n) for n, _ in listed] == list(range(1, len(cited) + 1))
        names = [bundled.scenario.source_by_id[sid].name for sid in cited]
        for name in names:
            assert sum(entry.startswith(name) for _, entry in listed) == 1, name  # once each
        kinds = {bundled.scenario.source_by_id[sid].kind for sid in cited}
        assert all(any(f" — {kind}" in entry for _, entry in listed) for kind in kinds)
        references = re.findall(r"^- \*\*Sources:\*\* (.+)$", md, flags=re.MULTILINE)
        assert len(references) == step
        assert {int(n) for ref in references for n in ref.split(", ")} == set(range(1, len(cited) + 1))


def test_no_step_wording_no_empty_column_no_nested_brackets(bundled):
    for step in range(bundled.steps + 1):
        md = briefing_markdown(bundled, step)
        assert not re.search(r"\bstep \d+\b", md, flags=re.IGNORECASE), step
        for table in tables(md):
            for column in range(len(table[0])):
                assert {row[column] for row in table[2:]} != {"—"}, (step, table[0][column])
        for line in md.splitlines():
            depth = 0
            for ch in line:
                depth += {"(": 1, ")": -1}.get(ch, 0)
                assert depth <= 1, (step, line)


def test_step_zero_is_the_start_state_and_the_summary(bundled):
    md = briefing_markdown(bundled, 0)
    assert event_headings(md) == []
    assert "## Bottom line, before the first event" in md
    assert "No displacement recorded so far." in md
    assert "## Sources" not in md and "Changed since" not in md
    holders = tables(section(md, "Bottom line"))[0]
    assert holders[0] == ["Holder", "Towns held", "Towns"]  # no population is given: no such column
    assert ["Hayat Tahrir al-Sham–led insurgents", "1", "Idlib"] in holders


def test_control_changes_use_faction_names(bundled):
    md = briefing_markdown(bundled, 5)
    assert "  - Hama: Syrian government (Syrian Arab Army) → Hayat Tahrir al-Sham–led insurgents" in md
    assert "  - Rastan: Syrian government (Syrian Arab Army) → Hayat Tahrir al-Sham–led insurgents" in md
    assert "  - Talbiseh: Syrian government (Syrian Arab Army) → Hayat Tahrir al-Sham–led insurgents" in md


def test_event_details(bundled):
    md = briefing_markdown(bundled, 7)
    part = md[md.index("### 7. ") : md.index("## Sources")]
    assert "- **Kind:** airstrike" in part
    assert "- **Place:** Hama" in part
    assert "- **Actors:** Syrian government (Syrian Arab Army); Russian forces" in part
    assert "- **Confidence:** reported" in part
    assert "- **Sources:** 1, 2" in part


def test_thousands_stays_the_sources_word_and_no_number_is_invented(bundled):
    md = briefing_markdown(bundled, 8)
    bottom = section(md, "Bottom line")
    assert 'In all: no figure given; the source says "thousands".' in bottom
    assert '- Homs → Damascus and Syrian coast (one figure): "thousands", no figure given (event 8)' in bottom
    assert '  - Homs → Damascus and Syrian coast (one figure): "thousands", no figure given' in md
    assert "unquantified" not in md
    displacement = bottom[bottom.index("### Displacement") :]
    assert not re.search(r"\d", re.sub(r"\(event \d+\)", "", displacement))  # no figure of people


def test_who_holds_what_counts_and_names_the_towns(bundled):
    md = briefing_markdown(bundled, bundled.steps)
    held = {row[0]: row[1:] for row in tables(section(md, "Bottom line"))[0][2:]}
    assert held["Syrian government (Syrian Arab Army)"] == ["3", "Homs, Damascus, Syrian coast"]
    assert held["Hayat Tahrir al-Sham–led insurgents"] == ["5", "Aleppo, Idlib, Hama, Rastan, Talbiseh"]
    assert "Russian forces" not in held
    assert "Holding no town: Syrian National Army (Turkish-backed); Russian forces." in md


def test_out_of_range_step(bundled):
    with pytest.raises(IndexError):
        briefing_markdown(bundled, bundled.steps + 1)
    with pytest.raises(IndexError):
        briefing_markdown(bundled, -1)


# -- a small scenario with figures ------------------------------------------


def test_numeric_totals(small):
    md = briefing_markdown(small, 1)
    assert "In all: 10,000 people." in md
    assert "- Alpha → Bravo\\|Bis: 10,000 people (event 1)" in md
    assert "  - Alpha → Bravo\\|Bis: 10,000 people" in md


def test_mixed_totals_say_at_least_and_quote_the_rest(small):
    md = briefing_markdown(small, 2)
    assert 'In all: at least 12,000 people; without a figure, the source says "hundreds".' in md
    assert '  - Bravo\\|Bis → Alpha: 2,000 people, in the source\'s words "about two thousand"' in md
    assert '  - Bravo\\|Bis → Charlie North: "hundreds", no figure given' in md


def test_a_flow_with_neither_figure_nor_words(small):
    md = briefing_markdown(small, 3)
    assert "  - Delta → Alpha: size not given" in md
    assert "In all: at least 12,000 people;" in md


def test_control_lines_including_a_restated_holder(small):
    md = briefing_markdown(small, 3)
    assert "  - Bravo\\|Bis: Government → Rebels \\| North" in md
    assert "  - Alpha: Government, unchanged" in md
    assert "  - Delta: unknown → contested" in md
    assert "- Bravo\\|Bis, 2024-01-02 08:30: Government → Rebels \\| North (event 2)" in md


def test_population_held_is_honest(small):
    md = briefing_markdown(small, 0)
    rows = {row[0]: row for row in tables(section(md, "Bottom line"))[0][2:]}
    assert rows["Government"] == ["Government", "2", "105,000", "Alpha, Bravo\\|Bis"]
    assert rows["Rebels \\| North"] == ["Rebels \\| North", "1", "—", "Charlie North"]  # no population given
    assert rows["Unknown"] == ["Unknown", "1", "—", "Delta"]
    md = briefing_markdown(small, 3)
    rows = {row[0]: row for row in tables(section(md, "Bottom line"))[0][2:]}
    assert rows["Rebels \\| North"][1:3] == ["2", "5,000 + unknown"]
    assert rows["Contested"][1:] == ["1", "—", "Delta"]
    assert "Unknown" not in rows  # no town is unknown any more


def test_table_cells_escape_pipes_and_line_breaks(small):
    md = briefing_markdown(small, 3)
    for table in tables(md):
        widths = {len(row) for row in table}
        assert len(widths) == 1, table  # an unescaped pipe would add a column
    holders = tables(section(md, "Bottom line"))[0]
    assert holders[0] == ["Holder", "Towns held", "Population held", "Towns"]
    assert ["Rebels \\| North", "2", "5,000 + unknown", "Bravo\\|Bis, Charlie North"] in holders  # no newline


def test_event_details_of_the_small_scenario(small):
    md = briefing_markdown(small, 2)
    assert "### 1. 2024-01-01 — Alpha shelled" in md
    assert "### 2. 2024-01-02 08:30 — Bravo falls" in md
    assert "- **Actors:** Rebels \\| North" in md
    assert "1. Monitor \\| Watch — war monitor — <https://example.org/x>" in md
    assert "- **Confidence:** confirmed" in md
    assert "- **Confidence:** disputed" in md
    assert "- **Place:** 11.5000° N, 21.2500° E" in md


def test_user_text_cannot_become_markdown(small):
    md = briefing_markdown(small, 2)
    assert "*A test \\| of pipes*" in md
    assert "\\# not a heading" in md
    assert not re.search(r"^# not a heading", md, flags=re.MULTILINE)
    assert "\\<b\\>bold\\</b\\> claims \\*everywhere\\*" in md
    assert "<b>" not in md


def test_control_characters_and_lone_surrogates_are_dropped(small):
    # The loader keeps what YAML gives it; a lone surrogate would make the file unwritable as UTF-8.
    scenario = small.scenario.replace(title="Small\x1b[31m war\ud800\u202e")
    md = briefing_markdown(Timeline(scenario), 0)
    assert md.splitlines()[0] == "# Small\\[31m war"
    md.encode("utf-8")  # would raise on a lone surrogate
