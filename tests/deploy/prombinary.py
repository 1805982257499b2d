"""Finding the Debian `prometheus` package binaries: missing fails in CI, skips elsewhere."""

from __future__ import annotations

import os
import shutil

import pytest

HINT = "install Debian's `prometheus` package (.ci/system-packages.sh does)"


def require_binary(name: str) -> str:
    """Path of ``promtool`` / ``prometheus``; ``pytest.fail`` when missing and CI=true."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found: {HINT}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
