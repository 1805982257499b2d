"""Shared test helpers: repository paths and the shared data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    """``../shared/data`` beside the clone (CI puts shared/ there), or DEINFLUENCE_SHARED_DATA."""
    env = os.environ.get("DEINFLUENCE_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def dev_set() -> Path:
    path = shared_data() / "stance-dev.jsonl"
    assert path.exists(), f"labeled dev set not found at {path}"
    return path
