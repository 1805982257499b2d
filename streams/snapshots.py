"""Gauges computed at scrape time from the latest snapshot the worker handed over."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily

from deinfluence.streams.health import Health


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
