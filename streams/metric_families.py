"""The metric families of the worker (names, help, labels, buckets), defined once.

:class:`Families` registers every family on a registry; :class:`SnapshotGauges` computes
the gauges that must be fresh at scrape time. ``streams.metrics.WorkerMetrics`` is the API
the agents call; nothing else creates metrics.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily

from deinfluence.streams.health import Health

STAGES = ("decode", "classify", "preaggregate", "merge", "trends", "publish")
LATE_OUTCOMES = ("corrected", "dropped")
STANCES = ("deinfluencing", "promoting", "neutral")
STAGE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
BATCH_BUCKETS = (1, 5, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10000)


class Families:
    """Every counter, gauge and histogram of the worker, registered on ``registry``."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry
        self._define_pipeline_metrics()
        self._define_business_metrics()

    def _counter(self, name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
        return Counter(name, doc, labels, registry=self._registry)

    def _gauge(self, name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, labels, registry=self._registry)

    def _define_pipeline_metrics(self) -> None:
        c, g = self._counter, self._gauge
        self.messages_consumed = c(
            "deinfluence_messages_consumed_total", "Kafka messages read, per topic.", ("topic",)
        )
        self.posts_consumed = c(
            "deinfluence_posts_consumed_total",
            "Posts read (a batch envelope counts each post), per topic.",
            ("topic",),
        )
        self.messages_published = c(
            "deinfluence_messages_published_total", "Records sent, per output topic.", ("topic",)
        )
        self.deadlettered = c(
            "deinfluence_deadletter_posts_total",
            "Posts sent to the dead-letter topic, by reason.",
            ("reason",),
        )
        self.late_events = c(
            "deinfluence_late_events_total",
            "Events behind the watermark: corrected (window re-published) or dropped.",
            ("outcome",),
        )
        self.rebalances = c("deinfluence_rebalances_total", "Consumer group rebalances seen.")
        self.input_gap_records = c(
            "deinfluence_input_gap_records_total",
            "Input records the consumer skipped although the state needed them, read back "
            "from the broker (streams.continuity), per topic.",
            ("topic",),
        )
        self.gc_seconds = c(
            "deinfluence_gc_seconds_total",
            "Time in CPython's cyclic garbage collections, per generation (streams.gctime).",
            ("generation",),
        )
        self.gc_collections = c(
            "deinfluence_gc_collections_total",
            "CPython's cyclic garbage collections, per generation (streams.gctime).",
            ("generation",),
        )
        self.state_keys = g("deinfluence_state_keys", "Keys held per table.", ("table",))
        self.build_info = g("deinfluence_build_info", "Always 1; the version label.", ("version",))
        self.batch_size = Histogram(
            "deinfluence_batch_posts",
            "Posts per micro-batch, per agent.",
            ("agent",),
            buckets=BATCH_BUCKETS,
            registry=self._registry,
        )
        self.stage_seconds = Histogram(
            "deinfluence_stage_duration_seconds",
            "Processing time of one batch, per stage.",
            ("stage",),
            buckets=STAGE_BUCKETS,
            registry=self._registry,
        )
        self.end_to_end_seconds = Histogram(
            "deinfluence_end_to_end_latency_seconds",
            "From a post's ingest (Kafka timestamp) to the publication of its aggregate.",
            buckets=LATENCY_BUCKETS,
            registry=self._registry,
        )

    def _define_business_metrics(self) -> None:
        c, g = self._counter, self._gauge
        self.classified_posts = c(
            "deinfluence_classified_posts_total",
            "Classified posts by overall stance and sponsorship.",
            ("stance", "sponsored"),
        )
        self.reason_posts = c(
            "deinfluence_deinfluencing_reasons_total",
            "De-influencing posts per reason given (a post may give several).",
            ("reason",),
        )
        self.brand_posts = c(
            "deinfluence_brand_posts_total",
            "Posts naming a brand, by the post's stance toward it (untracked tail: brand=other).",
            ("brand", "stance"),
        )
        self.hashtag_posts = c(
            "deinfluence_hashtag_posts_total",
            "Posts carrying a hashtag, by the post's stance (tail: hashtag=other).",
            ("hashtag", "stance"),
        )
        self.redirect_posts = c(
            "deinfluence_redirects_total",
            "Posts that de-influence one brand and promote another (tail: other/other).",
            ("from_brand", "to_brand"),
        )
        self.brand_trends = c(
            "deinfluence_brand_trend_alerts_total", "Trend records published per brand.", ("brand",)
        )
        self.hashtag_trends = c(
            "deinfluence_hashtag_trend_alerts_total",
            "Trend records published per hashtag.",
            ("hashtag",),
        )
        self.brand_rate = g(
            "deinfluence_brand_deinfluencing_rate",
            "deinfluencing / posts of the latest published window, per brand and window size.",
            ("brand", "window"),
        )
        self.hashtag_rate = g(
            "deinfluence_hashtag_deinfluencing_rate",
            "deinfluencing / posts of the latest published window, per hashtag and window size.",
            ("hashtag", "window"),
        )
        self.brand_tracked = g(
            "deinfluence_brand_tracked",
            "1 for each brand marked tracked in the catalog.",
            ("brand",),
        )


class SnapshotGauges:
    """Gauges computed at scrape time from the latest snapshot the worker handed over.

    Consumer lag is replaced wholesale (partitions that were revoked disappear) and the
    watermark lag is measured against the clock at scrape time, so it keeps growing when
    the pipeline stalls instead of freezing at the last value set.
    """

    def __init__(self) -> None:
        self.consumer_lag: dict[tuple[str, int], int] = {}
        self.watermarks: dict[str, float] = {}
        self.health: Health | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily(
            "deinfluence_consumer_lag_messages",
            "Messages between the partition's high watermark and the consumer position.",
            labels=["topic", "partition"],
        )
        for (topic, partition), value in sorted(self.consumer_lag.items()):
            lag.add_metric([topic, str(partition)], value)
        yield lag
        now = time.time()
        wm = GaugeMetricFamily(
            "deinfluence_watermark_lag_seconds",
            "Wall clock minus the effective event-time watermark, per window size.",
            labels=["window"],
        )
        for window, watermark in sorted(self.watermarks.items()):
            wm.add_metric([window], max(0.0, now - watermark))
        yield wm
        if self.health is not None:
            yield GaugeMetricFamily(
                "deinfluence_worker_live",
                "1 while the worker is live.",
                value=int(self.health.live),
            )
            yield GaugeMetricFamily(
                "deinfluence_worker_ready",
                "1 once partitions are assigned and tables recovered.",
                value=int(self.health.ready),
            )
