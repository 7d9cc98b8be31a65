"""The cache of validated scenarios, attacked: a faster path to the same answer, never another one.

Whatever is in the cache directory, `check`, `export` and the board (its `txt` export) say what
the scenario file says, and the cache deletes nothing it did not write. Entries are planted the
way an attacker or a bug would: edited by hand, moved to another file's name, made writable by
others, or written by sitboard's own `cache.store` with values the checker would reject.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from pathlib import Path

import pytest
from cli_run import BUNDLED, environment, run, scenario_copy

from sitboard.app.colors import rich_color_ok
from sitboard.scenario import cache
from sitboard.scenario.loader import load_scenario
from sitboard.scenario.model import Bounds, Flow, MapSettings

FORGED_TITLE = "Forged title"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(directory))  # for this process and the commands it runs
    return directory


def cached_run(args, folder: Path):  # type: ignore[no-untyped-def]
    return run(args, cwd=folder, env=environment(SITBOARD_CACHE_DIR=os.environ["SITBOARD_CACHE_DIR"]))


def uncached_run(args, folder: Path):  # type: ignore[no-untyped-def]
    return run(args, cwd=folder, env=environment(SITBOARD_CACHE_DIR="off"))


def entries(directory: Path, besides: list[Path] = ()) -> list[Path]:  # type: ignore[assignment]
    """The cache's entries: SQLite files in its directory that the test did not put there."""
    return sorted(p for p in directory.glob("*.sqlite") if p not in besides)


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


# -- it deletes only what it wrote ----------------------------------------------------------------


def test_user_files_in_a_shared_cache_folder_are_never_deleted(tmp_path, cache_dir):
    cache_dir.mkdir()
    mine = [cache_dir / f"report-{i}.json" for i in range(30)] + [cache_dir / "notes.txt", cache_dir / ".draft.tmp"]
    for path in mine:
        path.write_text("the user's own work\n", encoding="utf-8")
        age(path, 86400)
    scenario = scenario_copy(tmp_path)
    for version in range(3):  # three edits of the file: three entries, and pruning after each
        scenario.write_text(
            BUNDLED.read_text(encoding="utf-8").replace("Central Syria offensive", f"V{version}"), encoding="utf-8"
        )
        assert cached_run(["check", scenario], tmp_path).returncode == 0
    assert all(path.read_text(encoding="utf-8") == "the user's own work\n" for path in mine)
    assert len(entries(cache_dir, besides=mine)) == 3


def test_its_own_stale_temporaries_are_removed_and_nothing_else(tmp_path, cache_dir):
    cache_dir.mkdir()
    digest = "0123456789abcdef" * 4
    stale = cache_dir / f".sitboard-{digest}.sqlite.a1b2c3d4e5f6.tmp"  # a writer died ten minutes ago or more
    fresh = cache_dir / f".sitboard-{digest}.sqlite.0f0f0f0f0f0f.tmp"  # another process, writing now
    others = [cache_dir / ".notes.json.a1b2c3d4e5f6.tmp", cache_dir / "tmpk3j4h5.tmp", cache_dir / f"{digest}.json"]
    for path in (stale, fresh, *others):
        path.write_text("{}", encoding="utf-8")
        age(path, 3600)
    age(fresh, 5)
    assert cached_run(["check", scenario_copy(tmp_path)], tmp_path).returncode == 0
    assert not stale.exists()
    assert fresh.exists() and all(path.exists() for path in others)


# -- an entry never changes the answer -------------------------------------------------------------


def test_an_entry_moved_to_another_files_name_does_not_make_check_say_ok(tmp_path, cache_dir):
    good = scenario_copy(tmp_path)
    assert cached_run(["check", good], tmp_path).returncode == 0
    (entry,) = entries(cache_dir)
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("lat: 35.1318", "lat: 95", 1), encoding="utf-8")
    planted = cache.entry_path(bad.read_bytes())
    assert planted is not None
    shutil.copy(entry, planted)
    result = cached_run(["check", bad], tmp_path)
    assert result.returncode == 2
    assert b"bad.yaml:" in result.stderr and b"95 is out of range" in result.stderr


def test_an_edited_entry_does_not_change_what_is_shown(tmp_path, cache_dir):
    scenario = scenario_copy(tmp_path)
    truth = uncached_run(["export", scenario], tmp_path).stdout
    assert cached_run(["export", scenario], tmp_path).stdout == truth
    (entry,) = entries(cache_dir)
    entry.write_bytes(entry.read_bytes().replace(b"Central Syria offensive", FORGED_TITLE.encode()))
    assert cached_run(["export", scenario], tmp_path).stdout == truth


def _town(s, **changes):  # type: ignore[no-untyped-def]
    return s.replace(towns=(s.towns[0]._replace(**changes), *s.towns[1:]))


def _event(s, i, **changes):  # type: ignore[no-untyped-def]
    events = list(s.events)
    events[i] = events[i]._replace(**changes)
    return s.replace(events=tuple(events))


def _flow_people(s, people):  # type: ignore[no-untyped-def]
    i = next(i for i, e in enumerate(s.events) if e.flows)
    flow = s.events[i].flows[0]
    return _event(s, i, flows=(Flow(flow.origin, flow.destination, people, flow.estimate), *s.events[i].flows[1:]))


POISONS = {
    "nan-latitude": lambda s: _town(s, lat=math.nan),
    "latitude-1000": lambda s: _town(s, lat=1000.0),
    "infinite-longitude": lambda s: _town(s, lon=math.inf),
    "inverted-bounds": lambda s: s.replace(map=MapSettings(Bounds(38.4, 36.6, 35.3, 33.2), s.map.lines)),
    "nan-bounds": lambda s: s.replace(map=MapSettings(Bounds(math.nan, 33.2, 38.4, 36.6), s.map.lines)),
    "huge-population": lambda s: _town(s, population=10**40),
    "negative-population": lambda s: _town(s, population=-5),
    "huge-people": lambda s: _flow_people(s, 10**30),
    "latitude-as-text": lambda s: _town(s, lat="35.13"),
    "title-a-number": lambda s: s.replace(title=5),
    "name-missing": lambda s: _town(s, name=None),
    "event-title-a-list": lambda s: _event(s, 0, title=["a", "b"]),
    "unknown-kind": lambda s: _town(s, kind="fortress"),
    "unknown-confidence": lambda s: _event(s, 0, confidence="certain"),
    "bad-colour": lambda s: s.replace(factions=(s.factions[0]._replace(color="no-such-colour"), *s.factions[1:])),
}


@pytest.fixture(scope="module")
def truths(tmp_path_factory) -> dict[str, bytes]:
    """What each command prints for the bundled scenario with no cache at all."""
    folder = tmp_path_factory.mktemp("truth")
    scenario = scenario_copy(folder)
    return {
        fmt: uncached_run(["export", scenario, "--format", fmt, "--size", "120x40"], folder).stdout
        for fmt in ("json", "geojson", "md", "txt")
    }


@pytest.mark.parametrize("poison", list(POISONS))
def test_an_entry_with_values_the_checker_rejects_changes_nothing(tmp_path, cache_dir, truths, poison):
    scenario = scenario_copy(tmp_path)
    good = load_scenario(scenario, color_ok=rich_color_ok)
    cache.store(scenario.read_bytes(), POISONS[poison](good))  # sealed as sitboard seals its own entries
    for fmt, truth in truths.items():
        result = cached_run(["export", scenario, "--format", fmt, "--size", "120x40"], tmp_path)
        assert (result.returncode, result.stdout) == (0, truth), fmt
    assert cached_run(["check", scenario], tmp_path).returncode == 0


# -- only entries no one else could have written ------------------------------------------------


def forge(scenario: Path) -> None:
    """An entry with another title, sealed by sitboard itself: what the key's owner alone can make."""
    good = load_scenario(scenario, color_ok=rich_color_ok)
    cache.store(scenario.read_bytes(), good.replace(title=FORGED_TITLE))


def title_shown(scenario: Path, folder: Path) -> str:
    result = cached_run(["export", scenario, "--format", "md"], folder)
    assert result.returncode == 0
    return result.stdout.decode().splitlines()[0]


@pytest.mark.parametrize("how", ["group-writable", "other-writable", "symlink", "key-readable-by-others"])
def test_an_entry_someone_else_could_have_written_is_not_used(tmp_path, cache_dir, how):
    scenario = scenario_copy(tmp_path)
    forge(scenario)
    assert title_shown(scenario, tmp_path) == f"# {FORGED_TITLE}"  # the setup reaches the cache
    (entry,) = entries(cache_dir)
    if how == "group-writable":
        entry.chmod(0o620)
    elif how == "other-writable":
        entry.chmod(0o602)
    elif how == "symlink":
        entry.rename(tmp_path / "elsewhere.json")
        entry.symlink_to(tmp_path / "elsewhere.json")
    else:
        (key,) = cache_dir.glob("*.key")
        key.chmod(0o644)
    assert title_shown(scenario, tmp_path) == "# Central Syria offensive"
    if how == "key-readable-by-others":  # and a key others could read is replaced by a private one
        assert key.stat().st_mode & 0o077 == 0
        assert title_shown(scenario, tmp_path) == "# Central Syria offensive"


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="changing a file's owner needs root")
def test_an_entry_owned_by_another_user_is_not_used(tmp_path, cache_dir):
    scenario = scenario_copy(tmp_path)
    forge(scenario)
    (entry,) = entries(cache_dir)
    os.chown(entry, 65534, 65534)
    assert title_shown(scenario, tmp_path) == "# Central Syria offensive"
