"""Helpers for integration tests that run brokers of their own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from deinfluence import localkafka

REPO = Path(__file__).resolve().parents[2]
DATA_ROOT = REPO / ".local"


def base_port() -> int:
    """The session broker's port (``DEINFLUENCE_TEST_KAFKA_PORT``, default 19092)."""
    return int(os.environ.get("DEINFLUENCE_TEST_KAFKA_PORT", "19092"))


def extra_port(offset: int) -> int:
    """A port for a test's own broker: ``base_port() + offset`` (offset 5..29)."""
    assert 5 <= offset <= 29
    return base_port() + offset


def fresh_data_dir(name: str) -> Path:
    """``.local/<name>-<base port>``, emptied (a broker still running from it is stopped first).

    Keyed by the base port so that two test sessions on different ports never share (and
    wipe) each other's broker.
    """
    path = DATA_ROOT / f"{name}-{base_port()}"
    localkafka.stop(path)
    shutil.rmtree(path, ignore_errors=True)
    return path
