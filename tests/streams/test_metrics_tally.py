"""The per-post loop of the worker's business metrics: native (``native/src/counts.rs``)
against Python (``streams.metrics.tally_classified``), key order included, and the metrics
both give."""

from __future__ import annotations

import os
import random
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import generate_latest

from deinfluence import benchmark as bm
from deinfluence.components import make_classifier
from deinfluence.processors.classify import REASONS
from deinfluence.processors.native import classified_tally
from deinfluence.settings import Settings
from deinfluence.streams import metrics as metrics_module
from deinfluence.streams.metrics import WorkerMetrics, tally_classified

NATIVE = classified_tally()
needs_native = pytest.mark.skipif(
    NATIVE is None and os.environ.get("CI") != "true",
    reason="native module not built (needs cargo; make install)")

BRANDS = ["dyson", "shark", "stanley", "owala", "apple"]
STANCES = ["deinfluencing", "promoting", "neutral"]


def as_items(tallies: tuple[Any, ...]) -> list[list[tuple[Any, int]]]:
    return [list(t.items()) for t in tallies]


def classified_posts(n: int) -> list[dict[str, Any]]:
    classifier = make_classifier(Settings())
    return classifier.classify_batch([orjson.loads(orjson.dumps(p)) for p in bm.generate_posts(n)])


def random_post(rng: random.Random) -> dict[str, Any]:
    post: dict[str, Any] = {"stance": rng.choice(STANCES)}
    if rng.random() < 0.9:  # several targets: redirects, in the dict's order
        post["targets"] = {b: rng.choice(STANCES) for b in rng.sample(BRANDS, rng.randint(0, 4))}
    if rng.random() < 0.8:  # duplicates count twice, as in the Python loop
        post["hashtags"] = [rng.choice(["deinfluencing", "stanley", "fyp"]) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.7:
        post["reasons"] = [rng.choice([*REASONS, "unknown"]) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.6:
        post["sponsored"] = rng.choice([True, False, None, 0, 1, "yes"])
    return post


@needs_native
def test_native_tally_equals_pythons_on_classified_posts() -> None:
    posts = classified_posts(3000)
    assert any(len(p["targets"]) > 1 for p in posts)  # the redirect path runs
    got = NATIVE(posts)
    assert got is not None
    assert as_items(got) == as_items(tally_classified(posts))


@needs_native
def test_native_tally_equals_pythons_key_order_included() -> None:
    rng = random.Random(11)
    for _ in range(80):
        posts = [random_post(rng) for _ in range(rng.randint(0, 400))]
        got = NATIVE(posts)
        assert got is not None
        assert as_items(got) == as_items(tally_classified(posts))


@needs_native
@pytest.mark.parametrize("post", [
    {},  # no stance: Python raises KeyError
    {"stance": 1},
    {"stance": "neutral", "targets": [["dyson", "promoting"]]},
    {"stance": "neutral", "targets": {"dyson": 1}},
    {"stance": "neutral", "targets": {1: "promoting"}},
    {"stance": "neutral", "hashtags": ("a", "b")},
    {"stance": "neutral", "hashtags": ["a", 1]},
    {"stance": "neutral", "reasons": [["price"]]},
    {"stance": "\ud800"},  # a lone surrogate has no UTF-8
    {"stance": "neutral", "hashtags": ["\udfff"]},
])
def test_native_leaves_what_it_does_not_read_as_python_does_to_python(post: dict[str, Any]) -> None:
    assert NATIVE([post]) is None
    m = WorkerMetrics(process_metrics=False)
    try:
        expected = tally_classified([post])
    except Exception as exc:  # Python's own verdict stands
        with pytest.raises(type(exc)):
            m.classified([post])
    else:
        assert expected is not None
        m.classified([post])  # counted by the Python loop


names = st.text(st.characters(codec="utf-8"), max_size=5)
odd_posts = st.fixed_dictionaries(
    {"stance": st.sampled_from(STANCES) | names},
    optional={
        "targets": st.none() | st.dictionaries(names | st.sampled_from(BRANDS),
                                               st.sampled_from(STANCES) | names, max_size=4),
        "hashtags": st.none() | st.lists(names | st.sampled_from(["fyp", "haul"]), max_size=5),
        "reasons": st.none() | st.lists(st.sampled_from([*REASONS, "x"]) | names, max_size=4),
        "sponsored": st.none() | st.booleans() | st.integers(0, 2) | names,
    },
)


@needs_native
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(odd_posts, max_size=20))
def test_native_tally_of_any_posts(posts: list[dict[str, Any]]) -> None:
    got = NATIVE(posts)
    assert got is not None  # every value here is one the native loop reads
    assert as_items(got) == as_items(tally_classified(posts))


@needs_native
def test_worker_metrics_are_the_same_with_either_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    posts = classified_posts(1500)
    rng = random.Random(3)
    batches = [posts[i:i + rng.randint(1, 400)] for i in range(0, len(posts), 300)]

    def exposition() -> bytes:
        m = WorkerMetrics(process_metrics=False, top_k=3, hashtag_top_k=5, redirect_top_k=2)
        for batch in batches:
            m.classified(iter(batch))  # the worker passes a generator
        return generate_latest(m.registry)

    native = exposition()
    monkeypatch.setattr(metrics_module, "_native_tally", None)
    assert exposition() == native
    assert b'deinfluence_brand_posts_total{brand="other"' in native  # the guards demoted keys
