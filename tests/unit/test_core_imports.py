"""The headless core never pulls in the UI toolkit.

Checked in a fresh interpreter, since this test session may already have
imported Textual or Rich for other tests.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import sitboard

CORE = [
    "sitboard.scenario",
    "sitboard.scenario.loader",
    "sitboard.scenario.model",
    "sitboard.scenario.errors",
    "sitboard.scenario.yamldoc",
    "sitboard.scenario.palette",
    "sitboard.scenario.bundled",
    "sitboard.scenario.schema",
    "sitboard.scenario.checker",
    "sitboard.scenario.cache",
    "sitboard.scenario.userfile",
    "sitboard.scenario.watch",
    "sitboard.scenario.source",
    "sitboard.scenario.cleantext",
    "sitboard.scenario.gazetteer",
    "sitboard.timeline",
    "sitboard.state",
    "sitboard.feeds.acled",
    "sitboard.geo.context",
    "sitboard.geo.camera",
    "sitboard.panels.event",
    "sitboard.panels.control",
    "sitboard.panels.displacement",
    "sitboard.panels.header",
    "sitboard.panels.legend",
    "sitboard.panels.town_history",
    "sitboard.panels.goto",
    "sitboard.panels.ticks",
    "sitboard.exports",
    "sitboard.exports.json_state",
    "sitboard.exports.briefing",
    "sitboard.exports.geojson",
    "sitboard.room",
    "sitboard.room.address",
    "sitboard.room.wire",
    "sitboard.room.token_store",
    "sitboard.room.streams",
    "sitboard.room.presenter",
    "sitboard.room.follower",
    "sitboard.room.bench",
]

PROBE = """
import importlib, json, sys
for name in {modules!r}:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))))
"""


def ui_modules_after_importing(modules: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(modules=modules)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def has_geo() -> bool:
    return (Path(sitboard.__file__).parent / "geo" / "__init__.py").exists()


def test_the_probe_can_see_rich():
    # guards against a probe that could never find anything
    assert "rich" in ui_modules_after_importing(["rich.color"])


def test_core_imports_neither_textual_nor_rich():
    assert ui_modules_after_importing(CORE) == []


def test_the_cli_module_imports_rich_only_when_it_checks_a_colour():
    assert ui_modules_after_importing(["sitboard.cli", "sitboard.cli.commands", "sitboard.app.launch"]) == []


@pytest.mark.skipif(not has_geo(), reason="sitboard.geo does not exist yet")
def test_geo_imports_neither_textual_nor_rich():
    assert ui_modules_after_importing([*CORE, "sitboard.geo"]) == []


def geo_submodules() -> list[str]:
    if not has_geo():
        return []
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(sitboard.__file__).parent / "geo")], "sitboard.geo."))


@pytest.mark.skipif(not geo_submodules(), reason="no sitboard.geo modules yet")
def test_geo_submodules_import_neither_textual_nor_rich():
    # the package promises pure Python; a module still being written may not import yet
    importable = []
    for name in geo_submodules():
        probe = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, timeout=60, check=False)
        if probe.returncode == 0:
            importable.append(name)
    if not importable:
        pytest.skip("no sitboard.geo module imports yet")
    assert ui_modules_after_importing(importable) == []


def test_opening_an_unchanged_file_does_not_import_the_yaml_parser(tmp_path):
    """The cache's point: a warm start skips PyYAML and the checker entirely."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, SITBOARD_CACHE_DIR=str(tmp_path / "cache"))
    probe = (
        "import sys; from sitboard.app.launch import read; from sitboard.scenario.bundled import default_scenario; "
        "read(default_scenario()); "
        "print(sorted(m for m in sys.modules if m == 'yaml' or m.startswith('yaml.') or m == 'sitboard.scenario.checker'))"
    )
    cold = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert "'yaml'" in cold.stdout and "sitboard.scenario.checker" in cold.stdout
    assert warm.stdout.strip() == "[]"
