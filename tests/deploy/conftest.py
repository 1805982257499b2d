"""Fixtures of the deployment tests (helpers live in deploytools.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.deploy.deploytools import CHART, LOCAL, crd_files, render


@pytest.fixture(scope="session")
def crds() -> dict[tuple[str, str], dict[str, Any]]:
    return {key: yaml.safe_load(path.read_text()) for key, path in crd_files().items()}


@pytest.fixture(scope="session")
def production() -> list[dict[str, Any]]:
    """The production manifests exactly as `make k8s-manifests` prints them."""
    return render()


@pytest.fixture(scope="session")
def dev() -> list[dict[str, Any]]:
    return render("-f", str(CHART / "values-dev.yaml"))


@pytest.fixture(scope="session", autouse=True)
def _local_dir() -> Iterator[None]:
    LOCAL.mkdir(exist_ok=True)
    yield
