"""Acceptance of issue #5: every generated scenario, 3 days, 1h/15m windows, through backfill.

Backfill = classification (the project's classifier) + windows + the trend detector, the
same processors the worker runs. Asserted per scenario: recall 1.0, at most one false
alert episode, none on a decoy, median detection delay at most one hour after onset.
"""

from __future__ import annotations

import argparse

import pytest

from deinfluence.cli.generate_cmd import build_generator
from deinfluence.cli.trends_cmd import backfill, window_ms
from deinfluence.processors.scenarios import SCENARIOS
from deinfluence.processors.trend_eval import score

WINDOW = "1h/15m"


def generate(name: str) -> tuple[list[dict], dict]:
    args = argparse.Namespace(scenario=name, rate=None, posts=None, days=3.0, seed=7, labels=False,
                              start="2026-11-01T00:00:00Z", brands=None)
    generator, truth = build_generator(args)
    assert truth is not None
    return list(generator.posts()), truth


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_acceptance(name: str) -> None:
    posts, truth = generate(name)
    assert len(posts) <= 60_000
    _, trends = backfill(posts, WINDOW, None)
    result = score(trends, truth, window_ms(WINDOW))
    assert result.recall == 1.0, result.summary()
    assert len(result.false_episodes) <= 1, result.summary()
    assert result.decoy_episodes == [], result.summary()
    if truth["episodes"]:
        assert result.median_delay_s is not None and result.median_delay_s <= 3600, result.summary()
