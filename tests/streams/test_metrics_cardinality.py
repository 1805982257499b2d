"""The scrape stays small however many brands and hashtags the stream carries."""

from __future__ import annotations

import time

from deinfluence.streams.metrics import WorkerMetrics

STANCES = ("deinfluencing", "promoting", "neutral")


def _series(metrics: WorkerMetrics) -> list[str]:
    return [line for line in metrics.render().decode().splitlines() if line and line[0] != "#"]


def _posts(start: int, stop: int, brands: int, tags_per_post: int) -> list[dict[str, object]]:
    """Posts naming two brands (cycling over ``brands``, a few heavy) and new hashtags only."""
    posts = []
    for i in range(start, stop):
        brand = f"brand{i % 7}" if i % 3 == 0 else f"brand{i % brands}"
        other = f"brand{(i * 7919) % brands}"
        tags = [f"tag{i * tags_per_post + j}" for j in range(tags_per_post)]
        posts.append(
            {
                "stance": STANCES[i % 3],
                "sponsored": i % 5 == 0,
                "reasons": ["price", "hype"] if i % 3 == 0 else [],
                "targets": {brand: "deinfluencing", other: "promoting"},
                "hashtags": [*tags, f"hot{i % 11}"],
            }
        )
    return posts


def test_ten_thousand_brands_and_a_million_hashtags_stay_under_2000_series() -> None:
    metrics = WorkerMetrics(tracked_brands=[f"tracked{i}" for i in range(20)], top_k=50)
    seen_brands: set[str] = set()
    seen_tags: set[str] = set()
    started = time.perf_counter()
    for start in range(0, 100_000, 10_000):  # 100k posts x 10 distinct hashtags each
        batch = _posts(start, start + 10_000, brands=10_000, tags_per_post=10)
        metrics.classified(batch)
        for post in batch:
            seen_brands.update(post["targets"])
            seen_tags.update(post["hashtags"])
        for post in batch[:50]:
            brand, tag = next(iter(post["targets"])), post["hashtags"][0]
            for key_type, key in (("brand", brand), ("hashtag", tag)):
                record = {
                    "key_type": key_type,
                    "key": key,
                    "window_size": "5m",
                    "window_start": "2026-11-22T10:00:00Z",
                    "deinfluencing_rate": 0.5,
                }
                metrics.aggregate(record)
                metrics.trend(record)
    elapsed = time.perf_counter() - started
    series = _series(metrics)
    print(f"\n{len(series)} series after 10,000 brands, 1,000,000 hashtags ({elapsed:.1f}s)")
    assert len(seen_brands) == 10_000 and len(seen_tags) > 1_000_000
    assert len(series) < 2000
    brands = {line.split('{brand="')[1].split('"')[0] for line in series if '{brand="' in line}
    assert {"brand0", "brand3", "other"} <= brands  # the heavy ones kept their own series
    assert len(brands - {f"tracked{i}" for i in range(20)}) <= 50 + 1
