"""The native per-batch metric tallies (``ClassifiedTally``) equal ``classified_tallies``.

Compared on the classifier's real output for generated posts and on hypothesis-built
classified posts, insertion order included (the cardinality guards meet keys in that order).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deinfluence import benchmark as bm
from deinfluence.components import make_classifier
from deinfluence.processors import native
from deinfluence.settings import Settings
from deinfluence.streams.metrics import WorkerMetrics, classified_tallies

if native.classified_tally() is None:
    if os.environ.get("CI") == "true":
        pytest.fail("the native module is not installed (make install builds it)", pytrace=False)
    pytest.skip("native module not built (needs cargo; make install)", allow_module_level=True)


def assert_same(posts: list[dict[str, Any]]) -> None:
    got = native.classified_tally().tally(posts)
    assert got is not None
    for have, want in zip(got, classified_tallies(posts), strict=True):
        assert list(have.items()) == list(want.items())


def test_the_classifiers_output() -> None:
    posts = make_classifier(Settings()).classify_batch(bm.generate_posts(3000))
    assert any(len(p["targets"]) > 1 for p in posts) and any(p["reasons"] for p in posts)
    assert_same(posts)


def test_the_worker_metrics_are_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    posts = make_classifier(Settings()).classify_batch(bm.generate_posts(2000))
    fast = WorkerMetrics(process_metrics=False)
    fast.classified(iter(posts))
    monkeypatch.setattr(native, "classified_tally", lambda: None)
    slow = WorkerMetrics(process_metrics=False)
    slow.classified(posts)
    assert fast.render() == slow.render()
    assert b"deinfluence_brand_posts_total" in fast.render()


names = st.sampled_from(["dyson", "shark", "stanley", "fyp", "Ω", ""]) | st.text(max_size=4)
stances = st.sampled_from(["deinfluencing", "promoting", "neutral"]) | names
classified_posts = st.fixed_dictionaries(
    {"stance": stances},
    optional={
        "targets": st.none() | st.dictionaries(names, stances, max_size=4),
        "hashtags": st.none() | st.lists(names, max_size=5),
        "reasons": st.none() | st.lists(names, max_size=3),
        "sponsored": st.none() | st.booleans() | st.integers(0, 2),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(classified_posts, max_size=12))
def test_any_classified_posts(posts: list[dict[str, Any]]) -> None:
    assert_same(posts)


@pytest.mark.parametrize("post", [
    {"stance": 1}, {"stance": "neutral", "targets": [["a", "b"]]},
    {"stance": "neutral", "hashtags": ("a",)}, {"stance": "neutral", "reasons": [1]},
])
def test_other_types_are_left_to_python(post: dict[str, Any]) -> None:
    assert native.classified_tally().tally([post]) is None
    try:  # Python's verdict stands: it counts the post, or raises as it always did
        classified_tallies([post])
    except Exception as exc:
        with pytest.raises(type(exc)):
            WorkerMetrics(process_metrics=False).classified([post])
    else:
        WorkerMetrics(process_metrics=False).classified([post])
