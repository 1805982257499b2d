"""WorkerMetrics: what the agents call shows up, correctly labelled, in the scrape."""

from __future__ import annotations

import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from deinfluence.streams.metrics import WorkerMetrics


def _samples(metrics: WorkerMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for s in family.samples:
            out[s.name, tuple(sorted(s.labels.items()))] = s.value
    return out


def _value(metrics: WorkerMetrics, name: str, **labels: str) -> float | None:
    return _samples(metrics).get((name, tuple(sorted(labels.items()))))


def test_counters_use_base_names_and_labels() -> None:
    m = WorkerMetrics(process_metrics=False)
    m.consumed("posts.raw", messages=2, posts=7)
    m.published("posts.classified", 7)
    m.deadletter("invalid_json")
    m.late_event("dropped", 3)
    assert _value(m, "deinfluence_messages_consumed_total", topic="posts.raw") == 2
    assert _value(m, "deinfluence_posts_consumed_total", topic="posts.raw") == 7
    assert _value(m, "deinfluence_messages_published_total", topic="posts.classified") == 7
    assert _value(m, "deinfluence_deadletter_posts_total", reason="invalid_json") == 1
    assert _value(m, "deinfluence_late_events_total", outcome="dropped") == 3


def test_stage_timing_and_batch_histograms() -> None:
    m = WorkerMetrics(process_metrics=False)
    with m.time_stage("classify"):
        time.sleep(0.002)
    m.batch("ingest", 300)
    assert _value(m, "deinfluence_stage_duration_seconds_count", stage="classify") == 1
    assert _value(m, "deinfluence_stage_duration_seconds_sum", stage="classify") >= 0.002
    assert _value(m, "deinfluence_batch_posts_bucket", agent="ingest", le="500.0") == 1
    assert _value(m, "deinfluence_batch_posts_bucket", agent="ingest", le="250.0") == 0


def test_unknown_stage_or_late_outcome_is_a_bug() -> None:
    m = WorkerMetrics(process_metrics=False)
    with pytest.raises(ValueError):
        m.observe_stage("dedupe", 0.1)
    with pytest.raises(ValueError):
        m.late_event("ignored")


def test_consumer_lag_snapshot_replaces_revoked_partitions() -> None:
    m = WorkerMetrics(process_metrics=False)
    m.set_consumer_lag({("posts.raw", 0): 10, ("posts.raw", 1): 4})
    m.set_consumer_lag({("posts.raw", 1): 2})
    assert _value(m, "deinfluence_consumer_lag_messages", topic="posts.raw", partition="0") is None
    assert _value(m, "deinfluence_consumer_lag_messages", topic="posts.raw", partition="1") == 2


def test_watermark_lag_is_measured_at_scrape_time() -> None:
    m = WorkerMetrics(process_metrics=False)
    m.set_watermark("5m", time.time() - 120)
    assert 119 <= _value(m, "deinfluence_watermark_lag_seconds", window="5m") < 130


def test_end_to_end_latency_is_publication_minus_ingest() -> None:
    m = WorkerMetrics(process_metrics=False)
    m.end_to_end([100.0, 104.0], now=106.0)
    assert _value(m, "deinfluence_end_to_end_latency_seconds_sum") == 8.0


def test_business_counts_follow_stance_targets_and_redirects() -> None:
    m = WorkerMetrics(tracked_brands=["dyson"], process_metrics=False)
    post = {
        "stance": "deinfluencing",
        "sponsored": True,
        "reasons": ["price"],
        "targets": {"dyson": "deinfluencing", "shark": "promoting"},
        "hashtags": ["deinfluencing"],
    }
    m.classified([post, post])
    assert _value(m, "deinfluence_brand_posts_total", brand="dyson", stance="deinfluencing") == 2
    assert _value(m, "deinfluence_brand_posts_total", brand="shark", stance="promoting") == 2
    assert (
        _value(m, "deinfluence_classified_posts_total", stance="deinfluencing", sponsored="true")
        == 2
    )
    assert _value(m, "deinfluence_redirects_total", from_brand="dyson", to_brand="shark") == 2
    assert _value(m, "deinfluence_deinfluencing_reasons_total", reason="price") == 2
    assert _value(m, "deinfluence_brand_tracked", brand="dyson") == 1


def _aggregate(key: str, start: str, rate: float) -> dict[str, object]:
    return {
        "key_type": "brand",
        "key": key,
        "window_size": "5m",
        "window_start": start,
        "deinfluencing_rate": rate,
    }


def test_rate_gauge_shows_the_newest_window_of_labelled_brands_only() -> None:
    m = WorkerMetrics(tracked_brands=["dyson"], top_k=0, process_metrics=False)
    m.aggregate(_aggregate("dyson", "2026-11-22T10:05:00Z", 0.4))
    m.aggregate(_aggregate("dyson", "2026-11-22T10:00:00Z", 0.9))  # late re-publication
    m.aggregate(_aggregate("stanley", "2026-11-22T10:05:00Z", 0.7))  # folded: no gauge
    assert _value(m, "deinfluence_brand_deinfluencing_rate", brand="dyson", window="5m") == 0.4
    assert _value(m, "deinfluence_brand_deinfluencing_rate", brand="other", window="5m") is None


def test_series_of_a_demoted_brand_are_removed() -> None:
    m = WorkerMetrics(top_k=1, process_metrics=False)
    m.classified([{"stance": "neutral", "targets": {"old": "neutral"}}] * 3)
    m.classified([{"stance": "neutral", "targets": {"new": "neutral"}}] * 10)
    assert _value(m, "deinfluence_brand_posts_total", brand="old", stance="neutral") is None
    assert _value(m, "deinfluence_brand_posts_total", brand="new", stance="neutral") == 10


def test_trend_records_count_per_labelled_key() -> None:
    m = WorkerMetrics(tracked_brands=["dyson"], top_k=0, hashtag_top_k=0, process_metrics=False)
    m.trend({"key_type": "brand", "key": "dyson"})
    m.trend({"key_type": "hashtag", "key": "stanleycup"})
    m.trend({"key_type": "redirect", "key": "dyson>shark"})
    assert _value(m, "deinfluence_brand_trend_alerts_total", brand="dyson") == 1
    assert _value(m, "deinfluence_hashtag_trend_alerts_total", hashtag="other") == 1


def test_tracked_brands_come_from_the_catalog(tmp_path) -> None:
    from deinfluence.settings import load_settings
    from deinfluence.streams.metrics import tracked_brands

    catalog = tmp_path / "brands.yaml"
    catalog.write_text(
        "brands:\n"
        "  - {id: dyson, name: Dyson, aliases: [dyson], tracked: true}\n"
        "  - {id: shark, name: Shark, aliases: [shark]}\n"
    )
    m = WorkerMetrics.from_settings(load_settings(brands=catalog, tracked_top_k=7))
    assert m.tracked_brands == {"dyson"} and m.brands.top_k == 7
    assert tracked_brands({"brands": [{"id": "x", "tracked": False}]}) == []
