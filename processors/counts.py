"""Per-key count vectors: which keys a classified post feeds, and batch pre-aggregation.

A count vector is a plain ``list[int]`` laid out as :data:`COUNT_FIELDS`; merging two is
element-wise addition (associative and commutative). Keys are ``key_type|key``:

- ``brand|<id>``: counts use the post's stance toward that brand (``targets``);
- ``hashtag|<tag>``: counts use the post's overall ``stance``;
- ``redirect|<x>><y>``: posts that talk people out of brand x and toward brand y;
- ``all|all``: every post, for the overall rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from deinfluence.processors.classify import REASONS

COUNT_FIELDS: tuple[str, ...] = (
    "posts", "deinfluencing", "promoting", "neutral", "views", "deinfluencing_views", "sponsored",
    *(f"reason_{r}" for r in REASONS),
)
N_COUNTS = len(COUNT_FIELDS)
_STANCE_COL = {"deinfluencing": 1, "promoting": 2, "neutral": 3}
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
    vec[_STANCE_COL.get(stance, 3)] = 1
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


def preaggregate(rows: Iterable[tuple[str, int, Sequence[int]]]) -> dict[tuple[str, int], list[int]]:
    """Sum count vectors per ``(key, pane)`` with polars (the combiner step).

    ``rows`` are ``(key, pane_start_ms, counts)``; the result maps each distinct
    ``(key, pane)`` to its summed counts.
    """
    keys: list[str] = []
    panes: list[int] = []
    cols: list[list[int]] = [[] for _ in range(N_COUNTS)]
    for key, pane, vec in rows:
        keys.append(key)
        panes.append(pane)
        for i, value in enumerate(vec):
            cols[i].append(value)
    if not keys:
        return {}
    frame = pl.DataFrame(
        {"key": keys, "pane": panes, **{f: c for f, c in zip(COUNT_FIELDS, cols, strict=True)}},
        schema_overrides={"pane": pl.Int64, **{f: pl.Int64 for f in COUNT_FIELDS}},
    )
    summed = frame.group_by("key", "pane").agg(pl.col(f).sum() for f in COUNT_FIELDS)
    return {
        (row[0], row[1]): list(row[2:]) for row in summed.iter_rows()
    }
