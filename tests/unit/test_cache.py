"""The validated-scenario cache: reused for the same bytes, never trusted beyond that."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from sitboard import __version__
from sitboard.scenario import cache, store
from sitboard.scenario.errors import ScenarioError
from sitboard.scenario.loader import load_scenario

BUNDLED = Path(__file__).resolve().parents[2] / "scenarios" / "central_syria.yaml"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(directory))
    return directory


@pytest.fixture(params=["blake2b", "sha256"])
def hashing(request, monkeypatch):
    """Files and entries under `cache.LARGE` are hashed with BLAKE2b, above it with SHA-256: both ways, every test."""
    if request.param == "sha256":
        monkeypatch.setattr(cache, "LARGE", 0)
    return request.param


def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    return path


def test_a_second_load_comes_from_the_cache_and_is_the_same_scenario(tmp_path, cache_dir, monkeypatch, hashing):
    path = scenario_file(tmp_path)
    cold = load_scenario(path, cache=True)
    assert len(list(cache_dir.glob("*.sqlite"))) == 1

    def no_parsing(*_a, **_k):  # the warm load must not parse at all
        raise AssertionError("parsed although cached")

    monkeypatch.setattr("sitboard.scenario.loader.parse_scenario", no_parsing)
    warm = load_scenario(path, cache=True)
    assert warm == cold
    assert [e.time.sort_key for e in warm.events] == [e.time.sort_key for e in cold.events]
    assert warm.events[3].mark == cold.events[3].mark  # positions survive, for the error bar


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_a_large_entry_read_in_chunks_while_its_seal_is_worked_out_is_the_entry(
    tmp_path, cache_dir, monkeypatch, chunk
):
    """The seal's MAC is worked out in a thread over each chunk read: every byte counts, in order, once."""
    monkeypatch.setattr(cache, "LARGE", 0)  # every entry large: read and sealed chunk by chunk
    monkeypatch.setattr(cache, "_CHUNK", chunk)
    path = scenario_file(tmp_path)
    cold = load_scenario(path, cache=True)
    (entry,) = cache_dir.glob("*.sqlite")
    written, data = entry.read_bytes(), path.read_bytes()
    assert cache.load(data, str(path)) == cold
    for at in (0, len(written) // 3, len(written) - 100):  # one bit anywhere: a miss
        entry.write_bytes(written[:at] + bytes([written[at] ^ 1]) + written[at + 1 :])
        assert cache.load(data, str(path)) is None


def test_a_changed_file_is_read_again(tmp_path, cache_dir, hashing):
    path = scenario_file(tmp_path)
    load_scenario(path, cache=True)
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Central Syria offensive", "title: Changed"), encoding="utf-8"
    )
    assert load_scenario(path, cache=True).title == "Changed"


def test_an_invalid_file_is_never_cached(tmp_path, cache_dir):
    path = tmp_path / "bad.yaml"
    path.write_text("sitboard: 1\ntitle: t\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ScenarioError):
            load_scenario(path, cache=True)
    assert not list(cache_dir.glob("*.sqlite")) if cache_dir.exists() else True


def test_a_file_that_is_not_utf8_is_refused_as_without_the_cache_and_never_cached(tmp_path, cache_dir, hashing):
    """A warm read does not check the bytes for UTF-8 (an entry exists only for a valid file): a miss still does."""
    path = scenario_file(tmp_path)
    load_scenario(path, cache=True)  # the valid file's entry, beside the one the broken file must not find
    path.write_bytes(path.read_bytes().replace(b"title: Central Syria offensive", b"title: Central Syria \xe9", 1))
    for _ in range(2):
        with pytest.raises(ScenarioError) as cached:
            load_scenario(path, cache=True)
        with pytest.raises(ScenarioError) as fresh:
            load_scenario(path, cache=False)
        assert [str(p) for p in cached.value.problems] == [str(p) for p in fresh.value.problems]
        assert "is not valid UTF-8" in str(cached.value.problems[0])
    assert len(list(cache_dir.glob("*.sqlite"))) == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: b"not a database",
        lambda raw: raw.replace(b"hama", b"hamx", 1),  # a reference that no longer holds
        lambda raw: raw[:100] + bytes([raw[100] ^ 1]) + raw[101:],  # one bit of the header flipped
        lambda raw: raw + b"\n",  # a byte more after the seal
        lambda raw: raw[:-1],  # the seal's last byte gone
    ],
    ids=["truncated", "garbage", "broken-reference", "bit-flip", "grown", "shrunk"],
)
def test_a_damaged_entry_is_ignored_and_replaced(tmp_path, cache_dir, damage, hashing):
    path = scenario_file(tmp_path)
    good = load_scenario(path, cache=True)
    (entry,) = cache_dir.glob("*.sqlite")
    written = entry.read_bytes()
    entry.write_bytes(damage(written))
    assert load_scenario(path, cache=True) == good
    assert entry.read_bytes() == written  # rewritten whole


def test_large_files_are_keyed_by_sha256_and_small_ones_by_blake2b(tmp_path, cache_dir, hashing):
    """A large file's key is the SHA-256 of its SHA-256 (which a watched board records too): its bytes are hashed once."""
    path = scenario_file(tmp_path)
    load_scenario(path, cache=True)
    (entry,) = cache_dir.glob("*.sqlite")
    version = (f"{__version__}/{cache.ENTRY_FORMAT}\0").encode()
    if hashing == "sha256":
        digest = hashlib.sha256(version + hashlib.sha256(path.read_bytes()).digest())
    else:
        digest = hashlib.blake2b(version + path.read_bytes(), digest_size=32)
    assert entry.name == f"sitboard-{digest.hexdigest()}.sqlite"


def test_an_edited_entry_is_a_miss_whichever_way_it_is_sealed(tmp_path, cache_dir, hashing):
    """The seal covers every byte: a title changed in place (a valid database still) is not read."""
    path = scenario_file(tmp_path)
    good = load_scenario(path, cache=True)
    (entry,) = cache_dir.glob("*.sqlite")
    entry.write_bytes(entry.read_bytes().replace(b"Central Syria offensive", b"Central Syria offensivX"))
    assert cache.load(path.read_bytes(), str(path)) is None
    assert load_scenario(path, cache=True) == good


def test_an_entry_of_another_format_is_a_miss(tmp_path, cache_dir, monkeypatch):
    """Sealed by this very key, but written by another version of the store: read again, never misread."""
    path = scenario_file(tmp_path)
    good = load_scenario(path)
    monkeypatch.setattr(store, "FORMAT", 99)
    cache.store(path.read_bytes(), good.replace(title="Written by another version"))
    monkeypatch.undo()
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(cache_dir))
    assert cache.load(path.read_bytes(), str(path)) is None
    assert load_scenario(path, cache=True) == good


def test_a_sealed_database_of_another_shape_is_a_miss(tmp_path, cache_dir, monkeypatch):
    """A valid SQLite file that is not a scenario (another program's, or a bug's) is never read as one."""
    path = scenario_file(tmp_path)
    good = load_scenario(path)
    foreign = sqlite3.connect(":memory:")
    foreign.executescript("CREATE TABLE meta (key, value); INSERT INTO meta VALUES ('format', 5), ('title', 'x');")
    payload = foreign.serialize()
    monkeypatch.setattr(store, "to_database", lambda _s: payload)
    cache.store(path.read_bytes(), good)
    monkeypatch.undo()
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(cache_dir))
    (entry,) = cache_dir.glob("*.sqlite")
    assert entry.read_bytes().startswith(payload)  # the foreign database is there, sealed
    assert cache.load(path.read_bytes(), str(path)) is None
    assert load_scenario(path, cache=True) == good


def test_an_entry_is_a_database_anyone_can_inspect(tmp_path, cache_dir):
    path = scenario_file(tmp_path)
    good = load_scenario(path, cache=True)
    (entry,) = cache_dir.glob("*.sqlite")
    db = sqlite3.connect(f"file:{entry}?mode=ro", uri=True)  # SQLite reads past the seal at its end
    try:
        assert db.execute("SELECT count(*) FROM events").fetchone() == (len(good.events),)
        assert db.execute("SELECT value FROM meta WHERE key = 'title'").fetchone() == (good.title,)
    finally:
        db.close()


def test_an_unwritable_cache_is_simply_not_used(tmp_path, monkeypatch):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("SITBOARD_CACHE_DIR", str(blocker / "cache"))
    path = scenario_file(tmp_path)
    assert load_scenario(path, cache=True).title == "Central Syria offensive"


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SITBOARD_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    assert load_scenario(scenario_file(tmp_path), cache=True).title == "Central Syria offensive"


def test_old_entries_are_pruned(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 3)
    path = scenario_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    for i in range(6):
        path.write_text(text.replace("title: Central Syria offensive", f"title: Version {i}"), encoding="utf-8")
        load_scenario(path, cache=True)
    assert len(list(cache_dir.glob("*.sqlite"))) == 3


def test_the_entry_left_to_write_holds_the_files_key_not_its_bytes(tmp_path, cache_dir, hashing):
    """A board writes a new file's entry after its first frame: until then it must not keep the file (196 MB at 15x)."""
    from sitboard.scenario.loader import read_scenario

    path = scenario_file(tmp_path)
    data = path.read_bytes()
    _, remember = read_scenario(path, cache=True)
    assert remember is not None
    held = [cell.cell_contents for cell in remember.__closure__ or ()]
    assert not any(isinstance(value, (bytes, bytearray, memoryview, str)) and len(value) >= len(data) for value in held)
    remember()
    assert cache.load(data, str(path)) is not None  # and the entry it writes is the file's
