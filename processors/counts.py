"""Per-key count vectors: which keys a classified post feeds, and batch pre-aggregation.

A count vector is a plain ``list[int]`` laid out as :data:`COUNT_FIELDS`; merging two is
element-wise addition (associative and commutative). Keys are ``key_type|key``:

- ``brand|<id>``: counts use the post's stance toward that brand (``targets``);
- ``hashtag|<tag>``: counts use the post's overall ``stance``;
- ``redirect|<x>><y>``: posts that talk people out of brand x and toward brand y;
- ``all|all``: every post, for the overall rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from deinfluence.processors import native
from deinfluence.processors.classify import REASONS

COUNT_FIELDS: tuple[str, ...] = (
    "posts", "deinfluencing", "promoting", "neutral", "views", "deinfluencing_views", "sponsored",
    *(f"reason_{r}" for r in REASONS),
)
N_COUNTS = len(COUNT_FIELDS)
_STANCE_COL = {"deinfluencing": 1, "promoting": 2, "neutral": 3}
_OTHER_STANCE_COL = _STANCE_COL["neutral"]  # any other stance counts as neutral
_REASON_COL = {r: 7 + i for i, r in enumerate(REASONS)}
KEY_TYPES = ("brand", "hashtag", "redirect", "all")


def contributions(post: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(key, stance)`` pairs a classified post adds to.

    Example:
        >>> contributions({"stance": "deinfluencing", "hashtags": ["deinfluencing"],
        ...                "targets": {"dyson": "deinfluencing", "shark": "promoting"}})
        ... # doctest: +NORMALIZE_WHITESPACE
        [('all|all', 'deinfluencing'), ('brand|dyson', 'deinfluencing'),
         ('brand|shark', 'promoting'), ('hashtag|deinfluencing', 'deinfluencing'),
         ('redirect|dyson>shark', 'deinfluencing')]
    """
    stance = post["stance"]
    targets: Mapping[str, str] = post.get("targets") or {}
    out = [("all|all", stance)]
    out.extend((f"brand|{b}", s) for b, s in sorted(targets.items()))
    out.extend((f"hashtag|{h}", stance) for h in sorted(set(post.get("hashtags") or ())))
    away = [b for b, s in targets.items() if s == "deinfluencing"]
    toward = [b for b, s in targets.items() if s == "promoting"]
    out.extend((f"redirect|{x}>{y}", stance) for x in sorted(away) for y in sorted(toward))
    return out


def count_vector(post: Mapping[str, Any], stance: str) -> list[int]:
    """The count vector one post adds to one key, given its stance toward that key."""
    vec = [0] * N_COUNTS
    vec[0] = 1
    vec[_STANCE_COL.get(stance, _OTHER_STANCE_COL)] = 1
    views = _views(post)
    vec[4] = views
    if stance == "deinfluencing":
        vec[5] = views
        for reason in post.get("reasons") or ():
            col = _REASON_COL.get(reason)
            if col is not None:
                vec[col] = 1
    vec[6] = 1 if post.get("sponsored") else 0
    return vec


def _views(post: Mapping[str, Any]) -> int:
    if "views" in post:  # a routed post carries its views directly
        return int(post["views"])
    metrics = post.get("metrics")
    if isinstance(metrics, dict):
        views = metrics.get("views")
        if isinstance(views, int | float) and views >= 0:
            return int(views)
    return 0


def add_into(target: list[int], delta: Sequence[int]) -> None:
    """In-place element-wise ``target += delta``."""
    for i, value in enumerate(delta):
        target[i] += value


def merge(a: Sequence[int], b: Sequence[int]) -> list[int]:
    """Element-wise sum of two count vectors."""
    return [x + y for x, y in zip(a, b, strict=True)]


NATIVE_COUNTER = native.pane_counter(N_COUNTS, _STANCE_COL, _OTHER_STANCE_COL, _REASON_COL)
"""The native sum of :func:`pane_counts` for this layout (``None`` without the module)."""

COLUMNS_FROM_POSTS = 1000  # a batch this large is summed by polars; a smaller one in Python


def pane_counts(posts: Sequence[Mapping[str, Any]], panes: Sequence[int]) -> dict[tuple[str, int], list[int]]:
    """Summed count vectors per ``(key, pane)`` of classified posts (the combiner step).

    ``panes[i]`` is the pane start of ``posts[i]``. Equal to summing
    ``count_vector(post, stance)`` over every ``(key, stance)`` of ``contributions(post)``.
    With the native module, routed posts are summed in Rust (``native/src/counts.rs``; it
    answers ``None`` for anything it does not count exactly as Python does). Without it, a
    call of polars costs about 2 ms whatever the size, so batches under
    :data:`COLUMNS_FROM_POSTS` posts (the steady state of a stream that is not behind) are
    summed row by row in Python, larger ones column-wise (``bench``: 9 against 20 us per post
    at 200 posts, 8 against 13 at 2,000).

    Example:
        >>> pane_counts([{"stance": "deinfluencing", "views": 5, "reasons": ["price"]}], [0])
        ... # doctest: +ELLIPSIS
        {('all|all', 0): [1, 1, 0, 0, 5, 5, 0, ...]}
    """
    if NATIVE_COUNTER is not None and posts:
        counted = NATIVE_COUNTER.counts(posts if posts.__class__ is list else list(posts),
                                 panes if panes.__class__ is list else list(panes))
        if counted is not None:
            return counted
    if len(posts) < COLUMNS_FROM_POSTS:
        return pane_counts_rows(posts, panes)
    return pane_counts_columns(posts, panes)


def pane_counts_rows(posts: Sequence[Mapping[str, Any]], panes: Sequence[int]) -> dict[tuple[str, int], list[int]]:
    """:func:`pane_counts` row by row: one count vector per contribution, added up."""
    out: dict[tuple[str, int], list[int]] = {}
    for post, pane in zip(posts, panes, strict=True):
        for key, stance in contributions(post):
            vec = count_vector(post, stance)
            acc = out.get((key, pane))
            if acc is None:
                out[key, pane] = vec
            else:
                add_into(acc, vec)
    return out


def pane_counts_columns(posts: Sequence[Mapping[str, Any]], panes: Sequence[int]) -> dict[tuple[str, int], list[int]]:
    """:func:`pane_counts` column-wise: Python collects a few values per post and per key,
    and polars computes and sums the vectors."""
    keys: list[str] = []
    stances: list[str] = []
    owner: list[int] = []
    views: list[int] = []
    sponsored: list[bool] = []
    reasons: list[int] = []  # bit i: REASONS[i]
    for i, post in enumerate(posts):
        for key, stance in contributions(post):
            keys.append(key)
            stances.append(stance)
            owner.append(i)
        views.append(_views(post))
        sponsored.append(bool(post.get("sponsored")))
        mask = 0
        for reason in post.get("reasons") or ():
            mask |= _REASON_BIT.get(reason, 0)
        reasons.append(mask)
    if not keys:
        return {}
    at = pl.Series(owner, dtype=pl.UInt32)
    frame = pl.DataFrame({"key": keys, "stance": stances}).with_columns(
        pl.Series("pane", panes, dtype=pl.Int64).gather(at),
        pl.Series("v", views, dtype=pl.Int64).gather(at),
        pl.Series("s", sponsored, dtype=pl.Boolean).gather(at),
        pl.Series("r", reasons, dtype=pl.Int64).gather(at),
    )
    de = pl.col("stance") == "deinfluencing"
    pro = pl.col("stance") == "promoting"
    vectors = [
        pl.lit(1, dtype=pl.Int64).alias("posts"),
        de.cast(pl.Int64).alias("deinfluencing"),
        pro.cast(pl.Int64).alias("promoting"),
        (~(de | pro)).cast(pl.Int64).alias("neutral"),  # any other stance counts as neutral
        pl.col("v").alias("views"),
        pl.when(de).then(pl.col("v")).otherwise(0).alias("deinfluencing_views"),
        pl.col("s").cast(pl.Int64).alias("sponsored"),
        *((de & ((pl.col("r") & bit) != 0)).cast(pl.Int64).alias(f"reason_{reason}")
          for reason, bit in _REASON_BIT.items()),
    ]
    summed = (frame.select("key", "pane", *vectors)
              .group_by("key", "pane").agg(pl.col(f).sum() for f in COUNT_FIELDS))
    return {(row[0], row[1]): list(row[2:]) for row in summed.iter_rows()}


_REASON_BIT = {r: 1 << i for i, r in enumerate(REASONS)}
