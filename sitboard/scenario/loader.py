"""Read a scenario file written to the format contract (SCENARIO_FORMAT.md, v1).

The loader is the only door into sitboard for user data. It never trusts the
file: sizes and encodings are checked before parsing, YAML is composed without
constructing objects (`yamldoc`), and every rule of the contract is checked with
the position of the offending key or value (`checker`), so the author can fix
all problems in one pass. The only exception that escapes is `ScenarioError`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from sitboard.scenario.errors import Problem, ScenarioError
from sitboard.scenario.model import Scenario
from sitboard.scenario.palette import ColorCheck
from sitboard.scenario.userfile import read_bytes

# A cap against runaway inputs (a log, a generated file gone wrong), not a size
# a real scenario reaches: 300,000 events of a whole country's war, imported
# from ACLED, are about 200 MB. Reads stop at the cap, never past it.
MAX_BYTES = 256 * 1024 * 1024

# Told the fraction of a long read done so far (0 to 1), now and then: the
# command line draws a bar with it when standard error is a terminal.
Progress = Callable[[float], None]


def load_scenario(
    path: str | Path, *, color_ok: ColorCheck | None = None, cache: bool = False, progress: Progress | None = None
) -> Scenario:
    """Read and validate the scenario at `path`.

    `color_ok` judges colour names (the core cannot ask Rich itself); without it
    any plain colour word is accepted and `#rrggbb` is checked here. With
    `cache`, an earlier validation of the very same bytes is reused (`cache.py`).
    """
    scenario, remember = read_scenario(path, color_ok=color_ok, cache=cache, progress=progress)
    if remember is not None:
        remember()
    return scenario


def read_scenario(
    path: str | Path, *, color_ok: ColorCheck | None = None, cache: bool = False, progress: Progress | None = None
) -> tuple[Scenario, Callable[[], None] | None]:
    """`load_scenario`, with the cache entry left to write: (scenario, remember).

    `remember()` stores a freshly validated scenario in the cache; it is None
    when there is nothing to store (read from the cache, or no cache). Writing
    a large entry takes a fifth of a second, so the board calls it after its
    first frame, off the UI thread; it is safe to call from any thread, or not
    at all.
    """
    scenario, _, _, _, remember = _read(path, color_ok, cache, progress, keep_text=False)
    return scenario, remember


def read_scenario_text(
    path: str | Path, *, color_ok: ColorCheck | None = None, cache: bool = False, progress: Progress | None = None
) -> tuple[Scenario, str, Callable[[], None] | None]:
    """`read_scenario`, with the text it read: for whoever must name or send the very file that was checked.

    (The briefing room names a scenario by a hash of its text, and may send it:
    reading the file a second time could read a newer save.)
    """
    scenario, text, _, _, remember = _read(path, color_ok, cache, progress, keep_text=True)
    assert text is not None
    return scenario, text, remember


def read_scenario_data(
    path: str | Path, *, color_ok: ColorCheck | None = None, cache: bool = False, progress: Progress | None = None
) -> tuple[Scenario, bytes, bytes | None, Callable[[], None] | None]:
    """`read_scenario`, with the very bytes it read, valid UTF-8 (a watched board hashes them to know an append).

    The bytes, not the text: decoding 200 MB would hold the file twice while
    it is checked. Third, their SHA-256 if the cache worked it out to key a
    large file (`cache.content_digest`; None otherwise): the board's record
    of the read need not hash 200 MB a second time.
    """
    scenario, _, data, content, remember = _read(path, color_ok, cache, progress, keep_text=False)
    return scenario, data, content, remember


def _read(
    path: str | Path, color_ok: ColorCheck | None, cache: bool, progress: Progress | None, *, keep_text: bool
) -> tuple[Scenario, str | None, bytes, bytes | None, Callable[[], None] | None]:
    """The file read and checked; its text only if `keep_text`, and its SHA-256 if the cache worked it out.

    The parser reads the very bytes read from the file, not the text, which
    libyaml would copy back to UTF-8: without the text a 200 MB scenario is
    held once while it is checked, with it twice, no longer three times.
    """
    shown = str(path)
    data = read_bytes(
        path,
        limit=MAX_BYTES,
        expected="a scenario file (.yaml)",
        too_big=f"file is over the {MAX_BYTES // 2**20} MiB limit for a scenario (a cap against runaway files)",
    )
    text = _decoded(data, shown) if keep_text else None
    source = data  # once checked, UTF-8, read in place even when the text is kept (not a third copy, then)
    if cache:
        from sitboard.scenario import cache as scenario_cache

        content = scenario_cache.content_digest(data) if len(data) >= scenario_cache.LARGE else None
        digest = scenario_cache.key_of(data, content)
        cached = scenario_cache.load_keyed(digest, shown, color_ok)
        if cached is not None:
            # Not checked for UTF-8 here: an entry is written only for a valid file, and is keyed by
            # the hash of these very bytes (200 MB: 30 ms of a warm open, holding the GIL).
            return cached, text, data, content, None
        if text is None:
            _check_utf8(data, shown)
        scenario = parse_scenario(source, shown, color_ok=color_ok, progress=progress)
        # the key, not the bytes
        return scenario, text, data, content, lambda: scenario_cache.store_keyed(digest, scenario)
    if text is None:
        _check_utf8(data, shown)
    return parse_scenario(source, shown, color_ok=color_ok, progress=progress), text, data, None, None


def _decoded(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(
            [Problem(shown, line, col, "", f"byte 0x{data[exc.start]:02x} is not valid UTF-8: save the file as UTF-8")]
        ) from None


def _check_utf8(data: bytes, shown: str) -> None:
    """`_decoded`'s check without keeping its text: an ASCII file (most are) is not even decoded."""
    if not data.isascii():
        _decoded(data, shown)


def parse_scenario(
    text: str | bytes,
    file: str = "<scenario>",
    *,
    color_ok: ColorCheck | None = None,
    progress: Progress | None = None,
) -> Scenario:
    """Validate scenario text; `file` is the name used in error messages.

    `text` may also be the file's bytes once they are known to be UTF-8
    (`_check_utf8`): the parser then reads them without a copy.
    """
    # Reading builds hundreds of thousands of small objects and frees none of
    # them: the cyclic collector's passes over that growing heap are pure cost
    # (a fifth of the time on a 2 MB file), so it is paused while we read.
    enabled = gc.isenabled()
    gc.disable()
    try:
        from sitboard.scenario.checker import check  # PyYAML is imported only when a file must be parsed

        return check(text, file, color_ok, progress)
    finally:
        if enabled:
            gc.enable()
