"""``pane_counts`` (column-wise, polars) against the per-contribution reference."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from deinfluence.processors.classify import REASONS
from deinfluence.processors.counts import (
    COLUMNS_FROM_POSTS,
    N_COUNTS,
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
