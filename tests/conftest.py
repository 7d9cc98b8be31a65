"""Settings for the whole suite."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    # The CLI caches validated scenarios in the user's cache directory; tests
    # (and the subprocesses they start) use a directory of their own.
    os.environ["SITBOARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("sitboard-cache"))
