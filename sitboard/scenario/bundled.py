"""Where the scenarios that ship with sitboard are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

DEFAULT = "central_syria.yaml"


def bundled_dir() -> Path:
    # A wheel carries them in the package; an editable install or a checkout
    # has them beside the package, at the top of the repository.
    package = Path(__file__).resolve().parent.parent
    packaged = package / "scenarios"
    if packaged.is_dir():
        return packaged
    return package.parent / "scenarios"


def default_scenario() -> Path:
    return bundled_dir() / DEFAULT
