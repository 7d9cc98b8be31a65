"""The room's token outlives the presenter, per port, in a private file that is trusted only when private."""

from __future__ import annotations

import os
import stat

import pytest

from sitboard.room.address import TOKEN_PATTERN, AddressError
from sitboard.room.token_store import room_token, state_dir


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_token_is_remembered_per_port_in_a_private_file(tmp_path):
    folder = tmp_path / "state" / "sitboard"
    first = room_token(7477, directory=folder)
    assert first.source == "new" and TOKEN_PATTERN.fullmatch(first.value)
    assert first.path == folder / "room-7477.token"
    assert mode(folder) == 0o700 and mode(first.path) == 0o600
    again = room_token(7477, directory=folder)
    assert (again.value, again.source) == (first.value, "remembered")
    other = room_token(7478, directory=folder)
    assert other.value != first.value and other.source == "new"


def test_any_free_port_gets_a_fresh_token_and_remembers_nothing(tmp_path):
    a, b = room_token(0, directory=tmp_path), room_token(0, directory=tmp_path)
    assert a.value != b.value and a.path is None and list(tmp_path.iterdir()) == []


def test_renewing_replaces_the_remembered_token(tmp_path):
    first = room_token(7477, directory=tmp_path)
    renewed = room_token(7477, directory=tmp_path, renew=True)
    assert renewed.value != first.value
    assert room_token(7477, directory=tmp_path).value == renewed.value


def test_a_given_token_is_used_and_not_written(tmp_path):
    token = "briefing-room-token-2024"
    assert room_token(7477, given=token, directory=tmp_path) == (token, "given", None, None)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("weak", ["", "short", "has space in it yes", "é" * 20, "a/b" * 10])
def test_a_weak_or_odd_given_token_is_refused_with_a_sentence(weak, tmp_path):
    with pytest.raises(AddressError, match="16 to 128 letters"):
        room_token(7477, given=weak, directory=tmp_path)


def test_a_token_file_others_can_read_is_not_trusted(tmp_path):
    first = room_token(7477, directory=tmp_path)
    assert first.path is not None
    first.path.chmod(0o644)
    replaced = room_token(7477, directory=tmp_path)
    assert replaced.value != first.value and replaced.source == "new"
    assert mode(first.path) == 0o600


def test_a_token_file_that_is_a_symlink_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("Abc-def_0123456789xyzQ\n")
    elsewhere.chmod(0o600)
    folder = tmp_path / "state"
    folder.mkdir()
    (folder / "room-7477.token").symlink_to(elsewhere)
    token = room_token(7477, directory=folder)
    assert token.value != "Abc-def_0123456789xyzQ"
    assert elsewhere.read_text() == "Abc-def_0123456789xyzQ\n", "the file the link pointed to is left alone"
    assert not (folder / "room-7477.token").is_symlink()


@pytest.mark.parametrize("content", [b"", b"short\n", b"x" * 5000, b"\xff" * 30, b"Abc-def_0123456789xyzQ extra\n"])
def test_a_token_file_that_does_not_hold_a_token_is_replaced(tmp_path, content):
    path = tmp_path / "room-7477.token"
    path.write_bytes(content)
    path.chmod(0o600)
    token = room_token(7477, directory=tmp_path)
    assert token.source == "new" and path.read_text() == token.value + "\n"


def test_a_token_that_cannot_be_remembered_still_opens_the_room_with_a_note(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    token = room_token(7477, directory=blocker / "sitboard")
    assert TOKEN_PATTERN.fullmatch(token.value) and token.path is None
    assert token.note is not None and "new address" in token.note


def test_the_state_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SITBOARD_STATE_DIR", str(tmp_path / "mine"))
    assert state_dir() == tmp_path / "mine"
    monkeypatch.setenv("SITBOARD_STATE_DIR", "off")
    assert state_dir() is None
    assert room_token(7477).path is None
    monkeypatch.delenv("SITBOARD_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_dir() == tmp_path / "xdg" / "sitboard"
