"""The README's quick start says what CI really does."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CI = ROOT / ".ci" / "run"


def section(markdown: str, title: str) -> str:
    match = re.search(rf"^##\s+{re.escape(title)}\s*$(.*?)(?=^##\s|\Z)", markdown, re.M | re.S)
    assert match, f"no '## {title}' section in the README"
    return match.group(1)


def commands_running_pytest(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "pytest" in line and not line.lstrip().startswith("#")]


def test_quick_start_test_command_is_what_ci_runs():
    quick_start = section(README.read_text(encoding="utf-8"), "Quick start")
    (readme_command,) = commands_running_pytest(quick_start)
    (ci_command,) = commands_running_pytest(CI.read_text(encoding="utf-8"))
    assert readme_command == ci_command


def test_readme_gives_the_launch_command_for_the_bundled_scenario():
    readme = README.read_text(encoding="utf-8")
    assert "sitboard scenarios/central_syria.yaml" in readme
    assert (ROOT / "scenarios" / "central_syria.yaml").is_file()


def test_ci_script_is_executable_and_strict():
    text = CI.read_text(encoding="utf-8")
    assert os.access(CI, os.X_OK)
    assert text.startswith("#!")
    assert "set -euo pipefail" in text


def test_ci_checks_the_layers_the_lint_and_the_types_before_the_tests():
    lines = [line.strip() for line in CI.read_text(encoding="utf-8").splitlines()]
    checks = [".venv/bin/lint-imports", ".venv/bin/ruff check .", ".venv/bin/mypy --strict sitboard"]
    assert all(check in lines for check in checks)
    tests = next(i for i, line in enumerate(lines) if "pytest" in line)
    assert max(lines.index(check) for check in checks) < tests
    assert "pip install -e '.[dev]'" in CI.read_text(encoding="utf-8")  # the tools come from pyproject.toml


def test_after_the_briefing_examples_run_as_written(tmp_path):
    """Each command the section shows is a real one-line example: run it as printed (the scenario from the checkout)."""
    import subprocess
    import sys

    examples = [
        line.strip()
        for line in section(README.read_text(encoding="utf-8"), "After the briefing").splitlines()
        if line.startswith("    sitboard ")
    ]
    assert [e.split()[1] for e in examples] == ["diff", "narrate", "record", "export"]
    for example in examples:
        args = [a.replace("scenarios/", f"{ROOT}/scenarios/", 1) for a in example.split()[1:]]
        run = subprocess.run(
            [sys.executable, "-m", "sitboard", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0 and run.stderr == "", (example, run.stderr)
    assert (tmp_path / "brief.cast").stat().st_size and (tmp_path / "brief.html").stat().st_size
