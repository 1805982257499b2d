"""Sample traffic through every WorkerMetrics method (a stand-in for the worker)."""

from __future__ import annotations

import time

from deinfluence.streams.metrics import LATE_OUTCOMES, STAGES, WorkerMetrics

TRACKED = ("dyson", "stanley")


def exercise(metrics: WorkerMetrics, step: int = 0) -> None:
    """Call every metric method once with plausible labels; counts grow with ``step``."""
    metrics.consumed("posts.raw", messages=10 + step, posts=50 + step)
    metrics.consumed("deinfluence.partials", messages=5)
    for topic in ("posts.classified", "deinfluence.aggregates", "deinfluence.trends"):
        metrics.published(topic, 3 + step)
    metrics.deadletter("invalid_json")
    metrics.deadletter("late")
    for outcome in LATE_OUTCOMES:
        metrics.late_event(outcome)
    metrics.batch("ingest", 200 + step)
    metrics.batch("rollup", 40)
    for stage in STAGES:
        metrics.observe_stage(stage, 0.001 * (1 + step % 5))
    metrics.end_to_end([time.time() - 2.0 - step % 3])
    metrics.set_watermark("5m", time.time() - 700)
    metrics.set_watermark("1h", time.time() - 900)
    metrics.set_consumer_lag({("posts.raw", 0): 10 * step, ("posts.raw", 1): 3})
    metrics.rebalance()
    metrics.input_gap("posts.raw", step % 2)
    metrics.set_state_size({"panes": 100 + step, "dedup": 5000 + step})
    metrics.classified(
        [
            {"stance": "deinfluencing", "sponsored": False, "reasons": ["price", "hype"],
             "targets": {"dyson": "deinfluencing", "shark": "promoting"},
             "hashtags": ["deinfluencing", "dupe"]},
            {"stance": "promoting", "sponsored": True, "reasons": [],
             "targets": {"stanley": "promoting"}, "hashtags": ["tiktokmademebuyit"]},
            {"stance": "neutral", "targets": {}, "hashtags": ["deinfluencing"]},
        ]
    )
    window = {"window_size": "5m", "window_start": "2026-11-22T10:00:00Z"}
    for key_type, key in (("brand", "dyson"), ("hashtag", "deinfluencing")):
        record = {"key_type": key_type, "key": key, "deinfluencing_rate": 0.5, **window}
        metrics.aggregate(record)
        metrics.trend(record)


def fresh_metrics() -> WorkerMetrics:
    """A WorkerMetrics with tracked brands, ready health, after one round of traffic."""
    metrics = WorkerMetrics(tracked_brands=TRACKED)
    metrics.health.partitions_assigned()
    metrics.health.recovery_completed()
    exercise(metrics)
    return metrics
