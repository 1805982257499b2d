"""The synthetic generator: valid, deterministic, multilingual, labelled as the rules read it."""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import datetime

import pytest

from deinfluence.cli.generate_cmd import build_generator
from deinfluence.processors.classify import RuleClassifier
from deinfluence.processors.scenarios import SCENARIOS
from deinfluence.schemas.post import Limits, parse_timestamp_ms, validate_post

NOW_MS = 1_900_000_000_000


def posts(scenario: str | None = None, seed: int = 3, days: float | None = 0.5, count: int | None = None,
          labels: bool = True) -> list[dict]:
    args = argparse.Namespace(scenario=scenario, rate=None, posts=count, days=None if count else days, seed=seed,
                              labels=labels, start="2026-11-01T00:00:00Z", brands=None)
    generator, _ = build_generator(args)
    return list(generator.posts())


def test_same_seed_same_stream_other_seed_other_stream() -> None:
    assert posts(seed=3) == posts(seed=3)
    assert posts(seed=3) != posts(seed=4)


def test_posts_are_valid_raw_events_in_six_languages() -> None:
    stream = posts()
    for post in stream:
        validate_post({k: v for k, v in post.items() if k != "label"}, Limits(), NOW_MS)
    langs = Counter(p["lang"] for p in stream)
    assert set(langs) == {"en", "da", "nl", "de", "es", "fr"}
    assert len({p["platform"] for p in stream}) >= 5
    assert any(p["label"]["sponsored"] for p in stream)
    assert any(len(p["label"]["targets"]) == 2 for p in stream)  # redirects "skip X, get Y"


def test_posts_option_gives_exactly_that_many() -> None:
    assert len(posts(count=250)) == 250


def test_event_time_jitter_stays_within_minutes() -> None:
    stream = posts()
    times = [parse_timestamp_ms(p["created_at"]) for p in stream]
    running_max, worst = 0, 0
    for t in times:
        running_max = max(running_max, t)
        worst = max(worst, running_max - t)
    assert 0 < worst <= 3 * 60_000 + 60_000  # out of order, but well inside a 10-minute grace


def test_rule_classifier_reads_the_templates_as_intended() -> None:
    stream = posts()
    classified = RuleClassifier().classify_batch(stream)
    agree = sum(c["stance"] == p["label"]["stance"] for c, p in zip(classified, stream, strict=True))
    assert agree / len(stream) >= 0.95
    deinf = [(c, p) for c, p in zip(classified, stream, strict=True) if p["label"]["stance"] == "deinfluencing"]
    assert all(c["stance"] == "deinfluencing" for c, _ in deinf)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenarios_span_three_days_and_declare_truth(name: str) -> None:
    args = argparse.Namespace(scenario=name, rate=None, posts=None, days=None, seed=7, labels=False,
                              start="2026-11-01T00:00:00Z", brands=None)
    _, truth = build_generator(args)
    assert truth is not None
    span = datetime.fromisoformat(truth["end"]) - datetime.fromisoformat(truth["start"])
    assert span.total_seconds() >= 3 * 86400
    assert truth["episodes"] or truth["decoys"]
    for e in truth["episodes"]:
        assert truth["start"] < e["onset"] < e["end"] <= truth["end"] and e["direction"] in ("up", "down")
