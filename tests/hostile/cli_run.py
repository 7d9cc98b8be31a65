"""Running `sitboard` as a user would, for the hostile tests of files, the command line and the cache.

Output is kept as bytes: what matters is exactly what reaches the terminal.
Every run is bounded by a timeout (a hang is a failure, not a stuck suite) and
by an address-space limit (a command that reads `/dev/zero` fails rather than
taking the machine's memory); neither is an assertion about speed.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from sitboard.scenario import bundled

BUNDLED = bundled.default_scenario()
MEMORY_GUARD = 2 * 2**30  # bytes of address space for a command under test


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SITBOARD_DEBUG", "PYTHONIOENCODING")}
    env.update(extra)
    return env


def _guard() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_GUARD, MEMORY_GUARD))


def run(
    args: Sequence[str | bytes | Path],
    *,
    cwd: Path,
    timeout: float = 30,
    env: dict[str, str] | None = None,
    stdout: int | None = subprocess.PIPE,
    preexec=None,
    tolerate_internal: bool = False,  # type: ignore[no-untyped-def]
) -> subprocess.CompletedProcess[bytes]:
    """`sitboard ARGS` in `cwd`; stdout and stderr as bytes (stdout None if redirected)."""

    def setup() -> None:
        _guard()
        if preexec is not None:
            preexec()

    result = subprocess.run(
        [sys.executable, "-m", "sitboard", *[a if isinstance(a, bytes) else str(a) for a in args]],
        cwd=cwd,
        env=env or environment(),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=False,
        preexec_fn=setup,
    )
    said = (result.stdout or b"") + result.stderr
    assert b"Traceback" not in said, said.decode("utf-8", "replace")
    if not tolerate_internal:
        assert b"internal error" not in result.stderr, result.stderr.decode("utf-8", "replace")
    return result


def scenario_copy(folder: Path, name: str | bytes = "s.yaml") -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
    path.write_bytes(BUNDLED.read_bytes())
    return path


ACLED_CSV = (
    "event_date,event_type,sub_event_type,actor1,location,latitude,longitude,source,notes,fatalities\n"
    "2024-12-05,Battles,Armed clash,Military Forces of Syria,Hama,35.1318,36.7578,SOHR,Clashes in Hama.,12\n"
    "2024-12-06,Strategic developments,Non-state actor overtakes territory,Hayat Tahrir al-Sham,Ar-Rastan,"
    "34.9267,36.7324,SOHR,HTS entered Ar-Rastan.,0\n"
)
