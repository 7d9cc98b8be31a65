"""Reading a file the user named: one place for every way that can go wrong.

Both the scenario loader and the ACLED importer read user files whole; each
failure (a directory, a file too large, a missing or unreadable one) becomes a
`ScenarioError` with a sentence, so no OSError ever reaches the user.
"""

from __future__ import annotations

from pathlib import Path

from sitboard.errors import Problem, ScenarioError


def fail(file: str, message: str) -> None:
    raise ScenarioError([Problem(file, 1, 1, "", message)])


def read_bytes(path: str | Path, *, limit: int, expected: str, too_big: str) -> bytes:
    """The file's bytes; `expected` names what a directory should have been, `too_big` says what to do."""
    shown = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            fail(shown, f"is a directory, expected {expected}")
        if p.stat().st_size > limit:
            fail(shown, too_big)
        data = p.read_bytes()
    except FileNotFoundError:
        fail(shown, "no such file")
    except PermissionError:
        fail(shown, "permission denied while reading the file")
    except OSError as exc:
        fail(shown, f"cannot read the file: {exc.strerror or exc}")
    if len(data) > limit:  # the file grew between stat and read
        fail(shown, too_big)
    return data
