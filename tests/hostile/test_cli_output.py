"""What the command line sends to a terminal, and what happens when it cannot send it.

A scenario, a CSV, a file name or an argument may hold escape sequences (OSC 52 writes the
clipboard, OSC 0 the window title, CSI 2J clears the screen), C1 controls or bidi overrides;
none of them reaches stdout or stderr. Standard output that is full, closed or a pipe whose
reader left gets a sentence and exit 1; a usage mistake exit 2; never exception text.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import ACLED_CSV, BUNDLED, environment, run, scenario_copy

# Bytes a terminal would obey: C0 but tab and newline, DEL, C1 (as UTF-8), bidi formatting.
OBEYED = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c"
)
OSC_52 = "\x1b]52;c;cGF3bmVk\x07"  # "set the clipboard to 'pawned'"
TITLE = "\x1b]0;pwned\x1b\\"
CLEAR = "\x9b2J"  # CSI as one C1 character
RLO = "\u202e"
EVIL_NAME = f"brief{TITLE}{RLO}lmth.yaml"


def inert(result: subprocess.CompletedProcess[bytes]) -> None:
    for stream in (result.stdout or b"", result.stderr):
        found = OBEYED.findall(stream)
        assert not found, (found, stream[:2000])


# In YAML, double quotes give every control character by escape; bidi overrides may be written raw.
EVIL_VALID = f"""\
sitboard: 1
title: "Shelling\\e]0;pwned\\a continues\\x9b2J"
subtitle: "{RLO}gnillehs"
summary: "clip\\e]52;c;cGF3bmVk\\a"
factions:
  - {{id: gov, name: "Gov\\e[2J{RLO}ernment", color: red}}
towns:
  - {{id: hama, name: "Ha\\x9bma\\u2066", lat: 35.13, lon: 36.76, population: 1000, control: gov}}
  - {{id: homs, name: Homs, lat: 34.72, lon: 36.73}}
events:
  - time: 2024-12-05
    title: "Hama\\e[8m falls"
    text: "line\\rover\\e[1Awritten"
    control: {{hama: gov}}
    flows: [{{from: hama, to: homs, people: 10, estimate: "ten\\e]52;c;eA==\\a"}}]
"""

# Invalid: the checker quotes keys and values back, in paths and messages.
EVIL_INVALID = f"""\
sitboard: 1
title: t
"evil{{OSC}}": 1
factions: [{{id: gov, name: G}}]
towns:
  - {{id: hama, name: Hama, lat: 35.13, lon: 36.76, "kind\\x9b2J": city}}
events:
  - time: 2024-12-05
    title: e
    control: {{"ha{RLO}ma\\e[2J": gov, hama: "g\\e]52;c;eA==\\aov"}}
    actors: ["x\\e]0;t\\a"]
""".replace("{OSC}", "\\e]52;c;cGF3bmVk\\a")


def evil_file(folder: Path, text: str) -> Path:
    path = folder / EVIL_NAME
    path.write_text(text, encoding="utf-8")
    return path


def test_check_prints_nothing_a_terminal_obeys_from_keys_values_or_file_names(tmp_path):
    good, bad = evil_file(tmp_path, EVIL_VALID), tmp_path / f"bad{OSC_52}.yaml"
    bad.write_text(EVIL_INVALID, encoding="utf-8")
    result = run(["check", good.name, bad.name], cwd=tmp_path)
    assert result.returncode == 2
    inert(result)
    out, err = result.stdout.decode(), result.stderr.decode()
    assert out.startswith("brief]0;pwned\\lmth.yaml: ok, 2 towns, 1 events, 1 factions")
    assert "unknown key" in err and "events[0].control.hama[2J: unknown town" in err
    assert err.count(": error: ") >= 4


@pytest.mark.parametrize("fmt", ["json", "geojson"])  # (the Markdown briefing was already cleaned)
def test_exports_printed_to_the_terminal_are_inert_and_keep_their_data(tmp_path, fmt):
    path = evil_file(tmp_path, EVIL_VALID)
    result = run(["export", path, "--format", fmt], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    inert(result)
    import json  # the data survives, escaped: the same strings once parsed

    assert "Ha\x9bma\u2066" in json.dumps(json.loads(result.stdout), ensure_ascii=False)


def test_import_prints_an_inert_scenario_and_inert_errors(tmp_path):
    csv = tmp_path / f"acled{TITLE}.csv"
    csv.write_text(
        ACLED_CSV.replace("Clashes in Hama.", f"Clashes{RLO} in \u2067Hama.").replace(
            "Hayat Tahrir al-Sham", f"Hayat{RLO} Tahrir"
        ),
        encoding="utf-8",
    )
    result = run(["import", "acled", csv], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    inert(result)
    out = tmp_path / "out.yaml"
    out.write_bytes(result.stdout)
    assert run(["check", out], cwd=tmp_path).returncode == 0
    broken = tmp_path / f"bad{OSC_52}.csv"
    broken.write_text(ACLED_CSV.replace("35.1318", f"north{CLEAR}"), encoding="utf-8")
    result = run(["import", "acled", broken], cwd=tmp_path)
    assert result.returncode == 2 and b":2:" in result.stderr
    inert(result)


@pytest.mark.parametrize(
    "args",
    [
        ["export", str(BUNDLED), f"extra{OSC_52}"],  # argparse quotes unrecognised arguments raw
        ["check", f"missing{OSC_52}{RLO}.yaml"],
        [f"--theme{OSC_52}"],
        ["bench", f"--sizes{CLEAR}"],
    ],
    ids=["unrecognised", "missing-file", "bad-option", "bench-bad-option"],
)
def test_usage_errors_that_quote_arguments_are_inert(tmp_path, args):
    result = run(args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip()
    inert(result)


# -- when standard output cannot take the output ------------------------------------------------


def no_exception_text(result: subprocess.CompletedProcess[bytes]) -> str:
    said = result.stderr.decode("utf-8", "replace")
    assert "Errno" not in said and "Exception ignored" not in said and "Error:" not in said, said
    return said


@pytest.mark.parametrize(
    "command", [["export", str(BUNDLED), "--format", "md"], ["check", str(BUNDLED)], ["locate", "Homs"], ["schema"]]
)
def test_a_full_disk_on_standard_output_is_a_sentence(tmp_path, command):
    with open("/dev/full", "wb") as full:
        result = run(command, cwd=tmp_path, stdout=full.fileno())
    assert result.returncode == 1
    assert "no space left on the device" in no_exception_text(result)


def test_a_full_disk_behind_an_output_file_is_a_sentence(tmp_path):
    result = run(["export", BUNDLED, "--format", "md", "-o", "/dev/full"], cwd=tmp_path)
    assert result.returncode == 1
    assert "/dev/full: cannot write: no space left on the device" in no_exception_text(result)


def test_a_closed_standard_output_is_a_sentence(tmp_path):
    result = run(["export", BUNDLED], cwd=tmp_path, stdout=None, preexec=lambda: os.close(1))
    assert result.returncode == 1
    assert "standard output is closed" in no_exception_text(result)


def test_a_reader_that_stops_early_is_a_sentence(tmp_path):
    """`sitboard export big.yaml --format md | head -c1`: the pipe closes under the writer."""
    from sitboard.cli.bench import generate

    big = tmp_path / "big.yaml"
    big.write_text(generate(50, 2000), encoding="utf-8")  # a briefing of some megabytes: more than a pipe holds
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitboard", "export", str(big), "--format", "md"],
        cwd=tmp_path,
        env=environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(1) == b"#"
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 1
    said = no_exception_text(subprocess.CompletedProcess([], 1, b"", err))
    assert "standard output was closed before everything was written" in said and "Traceback" not in said


def test_an_output_path_that_is_a_symlink_loop_is_a_sentence(tmp_path):
    (tmp_path / "loop.md").symlink_to("loop.md")
    result = run(["export", BUNDLED, "--format", "md", "-o", tmp_path / "loop.md"], cwd=tmp_path)
    assert result.returncode == 1
    assert "loop of symbolic links" in no_exception_text(result)


def test_a_file_name_that_is_not_utf8_is_shown_by_its_bytes(tmp_path):
    name = b"caf\xe9-\xff.yaml"  # Latin-1 bytes, as an old system would name the file
    scenario_copy(tmp_path, name)
    result = run(["check", name, b"missing-\xfe.yaml"], cwd=tmp_path)
    assert result.returncode == 2
    result.stdout.decode("utf-8")  # the output is valid UTF-8: no raw byte of the name reaches the terminal
    result.stderr.decode("utf-8")
    assert result.stdout.startswith(b"caf\\xe9-\\xff.yaml: ok, 8 towns")
    assert b"missing-\\xfe.yaml:1:1: error: no such file" in result.stderr
    exported = run(["export", name, "--format", "md", "-o", b"out-\xff.md"], cwd=tmp_path)
    assert exported.returncode == 0 and (tmp_path / os.fsdecode(b"out-\xff.md")).exists()


@pytest.mark.parametrize("repeat", ["-1", "0"])
def test_bench_refuses_a_repeat_below_one(tmp_path, repeat):
    result = run(["bench", "--repeat", repeat, "--sizes", "5x5"], cwd=tmp_path, timeout=300, tolerate_internal=True)
    assert result.returncode == 2
    assert b"--repeat: expected a whole number from 1" in result.stderr


# -- the ACLED field limit is documented ----------------------------------------------------------


def test_the_acled_field_limit_is_in_the_help_the_readme_and_the_error(tmp_path):
    help_text = run(["import", "acled", "--help"], cwd=tmp_path).stdout.decode()
    assert "128 KiB" in " ".join(help_text.split())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    acled = next(p for p in readme.split("\n\n") if p.startswith("**ACLED.**"))
    assert "128 KiB" in acled
    csv = tmp_path / "long.csv"
    csv.write_text(ACLED_CSV.replace("Clashes in Hama.", "x" * 200_000), encoding="utf-8")
    result = run(["import", "acled", csv], cwd=tmp_path)
    assert result.returncode == 2
    assert f"{csv}:2:1: error:".encode() in result.stderr and b"128 KiB" in result.stderr
