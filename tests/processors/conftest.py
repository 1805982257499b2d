"""Shared fixtures: the labeled sets in ../shared/data (``DEINFLUENCE_SHARED_DATA`` overrides)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from deinfluence.processors.classify import RuleClassifier

REPO = Path(__file__).resolve().parents[2]


def shared_data() -> Path:
    override = os.environ.get("DEINFLUENCE_SHARED_DATA")
    # shared/ beside the clone; a worktree one level deeper (wt/<name>) finds it one level up
    candidates = [Path(override)] if override else [p / "shared" / "data" for p in REPO.parents[:2]]
    for path in candidates:
        if (path / "stance-dev.jsonl").exists():
            return path
    pytest.fail(
        f"labeled data not found in {candidates[0]}: set DEINFLUENCE_SHARED_DATA "
        "or put shared/ beside the clone"
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return shared_data()


@pytest.fixture(scope="session")
def eval_classifier(data_dir: Path) -> RuleClassifier:
    return RuleClassifier(data_dir / "brands-eval.yaml")


@pytest.fixture(scope="session")
def dev_rows(data_dir: Path) -> list[dict[str, Any]]:
    return read_jsonl(data_dir / "stance-dev.jsonl")


@pytest.fixture(scope="session")
def default_classifier() -> RuleClassifier:
    return RuleClassifier()


def unlabeled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "label"} for r in rows]
