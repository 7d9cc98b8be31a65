"""The Markdown briefing: one section per event so far, honest totals, escaped user text."""

from __future__ import annotations

import re
import textwrap

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


@pytest.fixture(scope="module")
def bundled() -> Timeline:
    return Timeline(load_scenario(default_scenario()))


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


def test_title_subtitle_summary_and_control_heading(bundled):
    md = briefing_markdown(bundled, 3)
    lines = md.splitlines()
    assert lines[0] == "# Central Syria offensive"
    assert "*Northwest and central Syria, as one news report tells it*" in lines
    assert "## Situation before the first event" in lines
    assert "relatively stagnant in recent years" in section(md, "Situation before the first event")
    assert "## Control at step 3 (2024-12-05)" in lines
    assert "## Displacement so far" in lines


def test_step_zero_is_summary_and_start_state_only(bundled):
    md = briefing_markdown(bundled, 0)
    assert event_headings(md) == []
    assert "## Events" not in md
    assert "## Control at step 0 (before the first event)" in md
    assert "No displacement recorded so far." in section(md, "Displacement so far")
    towns = tables(section(md, "Control at step 0"))[1]
    assert ["Aleppo", "city", "—", "Syrian government (Syrian Arab Army)"] in towns


def test_control_changes_use_faction_names(bundled):
    md = briefing_markdown(bundled, 5)
    assert "  - Hama: Syrian government (Syrian Arab Army) → Hayat Tahrir al-Sham–led insurgents" in md
    assert "  - Rastan: Syrian government (Syrian Arab Army) → Hayat Tahrir al-Sham–led insurgents" in md
    assert "  - Talbiseh: Syrian government (Syrian Arab Army) → Hayat Tahrir al-Sham–led insurgents" in md


def test_event_details(bundled):
    md = briefing_markdown(bundled, 7)
    part = md[md.index("### 7. ") : md.index("## Control at step 7")]
    assert "- **Kind:** airstrike" in part
    assert "- **Place:** Hama" in part
    assert "- **Actors:** Syrian government (Syrian Arab Army); Russian forces" in part
    assert "  - Public reporting on the offensive's dates (not from the article) (background knowledge (dates))" in part
    assert "- **Confidence:** reported" in part


def test_flows_without_figures_keep_the_sources_words(bundled):
    md = briefing_markdown(bundled, 8)
    assert '  - Homs → Damascus and Syrian coast (one figure): "thousands" (no figure given)' in md


def test_no_invented_numbers_for_the_bundled_scenario(bundled):
    md = briefing_markdown(bundled, bundled.steps)
    displacement = section(md, "Displacement so far")
    total = next(line for line in displacement.splitlines() if line.startswith("**Total"))
    assert "thousands (unquantified" in total  # the source's word travels with the total that includes it
    # Only a count of flows may appear as a digit ("unquantified, 2 flows"), never a number of people.
    for line in displacement.splitlines():
        assert not re.search(r"\d", re.sub(r"\d+ flows\)", "", line)), line
    # The held-population column has no figure either: the scenario gives no populations.
    factions = tables(section(md, "Control at step"))[0]
    assert {row[3] for row in factions[2:]} == {"—"}


def test_the_control_table_counts_towns(bundled):
    md = briefing_markdown(bundled, bundled.steps)
    factions = tables(section(md, "Control at step"))[0]
    held = {row[0]: row[2] for row in factions[2:]}
    assert held["Syrian government (Syrian Arab Army)"] == "3"
    assert held["Hayat Tahrir al-Sham–led insurgents"] == "5"
    assert held["Russian forces"] == "0"


def test_out_of_range_step(bundled):
    with pytest.raises(IndexError):
        briefing_markdown(bundled, bundled.steps + 1)
    with pytest.raises(IndexError):
        briefing_markdown(bundled, -1)


# -- a small scenario with figures ------------------------------------------


def test_numeric_totals(small):
    md = briefing_markdown(small, 1)
    assert "**Total displaced:** 10,000" in md
    assert "unquantified" not in section(md, "Displacement so far")
    assert "  - Alpha → Bravo\\|Bis: 10,000 people" in md


def test_mixed_totals_say_at_least_and_unquantified(small):
    md = briefing_markdown(small, 2)
    displacement = section(md, "Displacement so far")
    assert "**Total displaced:** ≥ 12,000 + hundreds (unquantified)" in displacement
    by_destination, by_origin = tables(displacement)
    assert by_destination[2:] == [
        ["Alpha", "2,000"],
        ["Bravo\\|Bis", "10,000"],
        ["Charlie North", "hundreds (unquantified)"],
    ]
    assert by_origin[2:] == [["Alpha", "10,000"], ["Bravo\\|Bis", "≥ 2,000 + hundreds (unquantified)"]]
    assert '  - Bravo\\|Bis → Alpha: 2,000 people (source: "about two thousand")' in md
    assert '  - Bravo\\|Bis → Charlie North: "hundreds" (no figure given)' in md


def test_a_flow_with_neither_figure_nor_words(small):
    md = briefing_markdown(small, 3)
    assert "  - Delta → Alpha: size not given" in md
    assert "**Total displaced:** ≥ 12,000 + hundreds (unquantified, 2 flows)" in md


def test_control_lines_including_a_restated_holder(small):
    md = briefing_markdown(small, 3)
    assert "  - Bravo\\|Bis: Government → Rebels \\| North" in md
    assert "  - Alpha: Government (unchanged)" in md
    assert "  - Delta: unknown → contested" in md


def test_population_held_is_honest(small):
    md = briefing_markdown(small, 0)
    factions = tables(section(md, "Control at step 0"))[0]
    rows = {row[0]: row for row in factions[2:]}
    assert rows["Government"] == ["Government", "G", "2", "105,000"]
    assert rows["Rebels \\| North"] == ["Rebels \\| North", "\\|", "1", "—"]  # Charlie has no population
    assert rows["Unknown"] == ["Unknown", "?", "1", "—"]
    md = briefing_markdown(small, 3)
    rows = {row[0]: row for row in tables(section(md, "Control at step 3"))[0][2:]}
    assert rows["Rebels \\| North"][2:] == ["2", "5,000 + unknown"]
    assert rows["Contested"][1:] == ["\\~", "1", "—"]  # a single ~ is strikethrough in GFM
    assert "Unknown" not in rows  # no town is unknown any more


def test_table_cells_escape_pipes_and_line_breaks(small):
    md = briefing_markdown(small, 3)
    for table in tables(md):
        widths = {len(row) for row in table}
        assert len(widths) == 1, table  # an unescaped pipe would add a column
    towns = tables(section(md, "Control at step 3"))[1]
    assert towns[0] == ["Town", "Kind", "Population", "Holder"]
    assert ["Bravo\\|Bis", "town", "5,000", "Rebels \\| North"] in towns
    assert ["Charlie North", "town", "—", "Rebels \\| North"] in towns  # the newline in the name is gone


def test_event_details_of_the_small_scenario(small):
    md = briefing_markdown(small, 2)
    assert "### 1. 2024-01-01 — Alpha shelled" in md
    assert "### 2. 2024-01-02T08:30 — Bravo falls" in md
    assert "- **Actors:** Rebels \\| North" in md
    assert "  - Monitor \\| Watch (war monitor) — <https://example.org/x>" in md
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
