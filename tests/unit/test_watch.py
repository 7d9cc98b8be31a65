"""The file watcher, driven with a fake clock and a fake stat."""

from __future__ import annotations

import os
from pathlib import Path

from sitboard.scenario.watch import Change, FileWatcher, signature


class FakeFile:
    def __init__(self) -> None:
        self.sig: tuple[int, int, int] | None = (1, 10, 100)

    def stat(self, _path: Path) -> tuple[int, int, int] | None:
        return self.sig


def watcher(fake: FakeFile) -> FileWatcher:
    return FileWatcher(Path("x.yaml"), settle=0.3, stat=fake.stat)


def test_nothing_happens_while_the_file_is_unchanged():
    fake = FakeFile()
    w = watcher(fake)
    assert [w.poll(t / 10) for t in range(20)] == [None] * 20


def test_a_change_is_reported_once_it_has_settled():
    fake = FakeFile()
    w = watcher(fake)
    fake.sig = (1, 20, 200)
    assert w.poll(1.0) is None  # first sight: start the clock
    assert w.poll(1.2) is None  # not settled yet
    assert w.poll(1.31) is Change.CHANGED
    assert w.poll(1.5) is None  # reported once


def test_a_file_still_being_written_is_not_loaded_half_way():
    fake = FakeFile()
    w = watcher(fake)
    for i, t in enumerate((1.0, 1.2, 1.4, 1.6)):  # grows every 0.2 s
        fake.sig = (1, 20 + i, 200 + i)
        assert w.poll(t) is None
    assert w.poll(1.8) is None
    assert w.poll(1.95) is Change.CHANGED


def test_an_atomic_rename_is_a_change_even_with_the_same_size_and_time():
    fake = FakeFile()
    w = watcher(fake)
    fake.sig = (2, 10, 100)  # new inode only
    w.poll(1.0)
    assert w.poll(1.4) is Change.CHANGED


def test_a_deleted_file_is_reported_once_and_its_return_is_a_change():
    fake = FakeFile()
    w = watcher(fake)
    fake.sig = None
    assert w.poll(1.0) is Change.MISSING
    assert w.poll(1.2) is None
    fake.sig = (3, 10, 100)  # re-created with the very same size and time
    w.poll(2.0)
    assert w.poll(2.4) is Change.CHANGED


def test_signature_of_a_real_file_follows_writes_and_renames(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("a")
    first = signature(path)
    other = tmp_path / "tmp.yaml"
    other.write_text("a")
    os.replace(other, path)
    assert signature(path) != first
    path.unlink()
    assert signature(path) is None
