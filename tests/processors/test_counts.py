"""``pane_counts`` (row by row, column-wise with polars, native) against the per-contribution reference."""

from __future__ import annotations

import os
import random
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deinfluence.processors.classify import REASONS
from deinfluence.processors.counts import (
    COLUMNS_FROM_POSTS,
    N_COUNTS,
    NATIVE_COUNTER,
    contributions,
    count_vector,
    pane_counts,
    pane_counts_columns,
    pane_counts_rows,
)

BRANDS = ["dyson", "shark", "stanley", "owala", "apple"]
STANCES = ["deinfluencing", "promoting", "neutral", "unclear"]


def reference(posts: list[dict[str, Any]], panes: list[int]) -> dict[tuple[str, int], list[int]]:
    out: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0] * N_COUNTS)
    for post, pane in zip(posts, panes, strict=True):
        for key, stance in contributions(post):
            acc = out[key, pane]
            for i, v in enumerate(count_vector(post, stance)):
                acc[i] += v
    return dict(out)


def random_post(rng: random.Random) -> dict[str, Any]:
    post: dict[str, Any] = {"stance": rng.choice(STANCES)}
    if rng.random() < 0.8:
        post["targets"] = {b: rng.choice(STANCES[:3]) for b in rng.sample(BRANDS, rng.randint(0, 3))}
    if rng.random() < 0.8:  # duplicates count once
        post["hashtags"] = [rng.choice(["deinfluencing", "stanley", "fyp"]) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.7:  # duplicate and unknown reasons
        post["reasons"] = [rng.choice([*REASONS, "unknown"]) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.5:
        post["sponsored"] = rng.random() < 0.5
    choice = rng.random()
    if choice < 0.4:
        post["views"] = rng.randint(0, 10**9)  # a routed post
    elif choice < 0.8:  # a classified post: views under metrics, perhaps invalid
        post["metrics"] = {"views": rng.choice([rng.randint(0, 10**6), 12.7, -3, "many", None])}
    return post


def test_pane_counts_equal_the_per_contribution_sums() -> None:
    """Both ways of summing (row by row, column-wise with polars), and the size dispatch."""
    rng = random.Random(20261123)
    for _ in range(40):
        n = rng.randint(1, 300)
        posts = [random_post(rng) for _ in range(n)]
        panes = [rng.choice([0, 300_000, 600_000]) for _ in range(n)]
        expected = reference(posts, panes)
        assert pane_counts_columns(posts, panes) == expected
        assert pane_counts_rows(posts, panes) == expected
        assert pane_counts(posts, panes) == expected
    n = COLUMNS_FROM_POSTS + 7  # the dispatch's polars side
    posts = [random_post(rng) for _ in range(n)]
    panes = [rng.choice([0, 300_000]) for _ in range(n)]
    assert pane_counts(posts, panes) == reference(posts, panes)


def test_no_posts_no_counts() -> None:
    assert pane_counts([], []) == {}
    assert pane_counts_columns([], []) == {} == pane_counts_rows([], [])


# -- the native sum (native/src/counts.rs) -----------------------------------------------------

needs_native = pytest.mark.skipif(
    NATIVE_COUNTER is None and os.environ.get("CI") != "true",
    reason="native module not built (needs cargo; make install)")


def routed_post(rng: random.Random) -> dict[str, Any]:
    post = random_post(rng)
    post.pop("metrics", None)
    post["views"] = rng.choice([0, rng.randint(0, 10**9), 2**40])
    return post


@needs_native
def test_native_sums_equal_pythons_key_order_included() -> None:
    rng = random.Random(7)
    counter = NATIVE_COUNTER
    for _ in range(60):
        n = rng.randint(1, 1500)
        posts = [routed_post(rng) for _ in range(n)]
        panes = [rng.choice([0, 300_000, 600_000, -300_000]) for _ in range(n)]
        got = counter.counts(posts, panes)
        expected = pane_counts_rows(posts, panes)
        assert got is not None
        assert list(got.items()) == list(expected.items())


@needs_native
@pytest.mark.parametrize("post", [
    {"stance": "neutral"},  # no views: a classified post, not a routed one
    {"stance": "neutral", "views": 1.0},
    {"stance": "neutral", "views": True},
    {"stance": "neutral", "views": 2**64},
    {"stance": 1, "views": 1},
    {"stance": "neutral", "views": 1, "targets": [["dyson", "promoting"]]},
    {"stance": "neutral", "views": 1, "targets": {"dyson": 1}},
    {"stance": "neutral", "views": 1, "hashtags": ("a", "b")},
    {"stance": "neutral", "views": 1, "hashtags": ["a", 1]},
    {"stance": "neutral", "views": 1, "reasons": [["price"]]},
])
def test_native_leaves_what_is_not_a_routed_post_to_python(post: dict[str, Any]) -> None:
    assert NATIVE_COUNTER.counts([post], [0]) is None
    try:
        expected = pane_counts_rows([post], [0])
    except Exception as exc:  # Python's own verdict, whatever it is, stands
        with pytest.raises(type(exc)):
            pane_counts([post], [0])
    else:
        assert pane_counts([post], [0]) == expected


@needs_native
def test_a_sum_beyond_64_bits_is_left_to_python() -> None:
    posts = [{"stance": "deinfluencing", "views": 2**62} for _ in range(3)]
    assert NATIVE_COUNTER.counts(posts, [0, 0, 0]) is None
    assert pane_counts(posts, [0, 0, 0])[("all|all", 0)][4] == 3 * 2**62


names = st.text(st.characters(codec="utf-8"), max_size=6)
odd_routed_posts = st.fixed_dictionaries(
    {"stance": st.sampled_from(STANCES) | names, "views": st.integers(0, 2**63 - 1)},
    optional={
        "targets": st.none() | st.dictionaries(names | st.sampled_from(BRANDS),
                                               st.sampled_from(STANCES) | names, max_size=4),
        "hashtags": st.none() | st.lists(names | st.sampled_from(["fyp", "haul"]), max_size=5),
        "reasons": st.none() | st.lists(st.sampled_from([*REASONS, "x"]) | names, max_size=4),
        "sponsored": st.none() | st.booleans() | st.integers(0, 2),
        "post_id": names,
    },
)


@needs_native
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(odd_routed_posts, st.integers(-2, 2).map(lambda k: k * 300_000)),
                min_size=1, max_size=20))
def test_native_sums_of_any_routed_posts(rows: list[tuple[dict[str, Any], int]]) -> None:
    posts, panes = [p for p, _ in rows], [q for _, q in rows]
    got = NATIVE_COUNTER.counts(posts, panes)
    expected = pane_counts_rows(posts, panes)
    if got is not None:  # None only for sums beyond 64 bits here
        assert list(got.items()) == list(expected.items())
    else:
        assert max(abs(v) for vec in expected.values() for v in vec) >= 2**63
