"""A large file's board is imported in a thread while the file is read: the board still opens, a bad file still fails.

Each case runs in a fresh interpreter (the board must not be imported yet),
with the size above which the import runs beside the read set to nothing,
so that a small file takes that path. An import hook notes which thread
imports the board; the board's first frame must come, warm or cold, and a
bad file must give exactly its problems, and nothing else, on standard error.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from functional.conftest import SMALL

OPEN = textwrap.dedent(
    """
    import sys, threading
    seen = []
    class Note:
        def find_spec(self, name, path=None, target=None):
            if name == "sitboard.app.app":
                seen.append(threading.current_thread() is threading.main_thread())
            return None
    sys.meta_path.insert(0, Note())
    import sitboard.app.launch as launch
    from sitboard.scenario.errors import ScenarioError
    launch._IMPORT_BESIDE_BYTES = 0
    try:
        app = launch.open_board(launch.file_source(sys.argv[1], watch=True))
    except ScenarioError as exc:
        print("\\n".join(str(p) for p in exc.problems), file=sys.stderr)
        print("imported in the main thread:", seen)
        sys.exit(2)
    def first_frame():
        print("frame")
        print("imported in the main thread:", seen)
        app.exit()
    app.call_later(lambda: app.call_after_refresh(first_frame))
    app.run(headless=True, size=(100, 30))
    """
)


def open_board(path: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SITBOARD_CACHE_DIR=str(cache), TEXTUAL_ANIMATIONS="none")
    return subprocess.run(
        [sys.executable, "-c", OPEN, str(path)], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("opens", [1, 2], ids=["cold", "warm"])
def test_the_board_imported_beside_the_read_opens(tmp_path, opens):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    for _ in range(opens):
        r = open_board(path, tmp_path / "cache")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.splitlines() == ["frame", "imported in the main thread: [False]"]


def test_a_bad_file_fails_as_before_while_the_board_is_imported_beside_it(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(SMALL.replace("title: Small test scenario", "title: [unclosed"), encoding="utf-8")
    r = open_board(path, tmp_path / "cache")
    assert r.returncode == 2 and r.stdout.splitlines() == ["imported in the main thread: [False]"]
    assert r.stderr.startswith(f"{path}:") and r.stderr.count("\n") >= 1 and "Traceback" not in r.stderr
    assert all(line.startswith(f"{path}:") for line in r.stderr.splitlines())


COUNT = textwrap.dedent(
    """
    import gc, sys
    from sitboard.app.launch import file_source, open_board
    collections = []
    gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info["generation"]))
    app = open_board(file_source(sys.argv[1], watch=False))
    print("collections while the board was built:", collections, "frozen:", gc.get_freeze_count() > 0)
    """
)


def test_the_collector_walks_nothing_a_board_is_built_from(tmp_path):
    """The scenario, its timeline and the board all outlive it (frozen once built): no collection walks them before."""
    from sitboard.cli.bench import generate

    path = tmp_path / "g.yaml"
    path.write_text(generate(300, 3000), encoding="utf-8")
    env = dict(os.environ, SITBOARD_CACHE_DIR=str(tmp_path / "cache"), TEXTUAL_ANIMATIONS="none")
    for _ in ("cold", "warm"):
        r = subprocess.run(
            [sys.executable, "-c", COUNT, str(path)], env=env, capture_output=True, text=True, timeout=120, check=True
        )
        assert r.stdout == "collections while the board was built: [] frozen: True\n"
