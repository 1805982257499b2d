"""What the stall watchdog asks the broker: how many records wait on my input partitions.

The answer cannot come from Faust's consumer: its highwater marks are cached from the last
fetch response, so a partition that stopped being fetched (the very symptom of a stall)
shows no lag at all. A separate confluent-kafka client asks the broker for the end
offsets and the group's committed offsets instead. It never joins the group (no
``subscribe``), so it cannot disturb the worker's assignment. It is only used once the
worker has been quiet for the stall limit, in a thread, with a timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from confluent_kafka import TopicPartition

from deinfluence.settings import Settings
from deinfluence.streams.kafka import SideConsumer, confluent_config

log = logging.getLogger(__name__)
TopicPart = tuple[str, int]


class EndOffsets:
    """Blocking probe of end and committed offsets; one client, created on first use."""

    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        self._side = SideConsumer(confluent_config(settings, **{
            "group.id": settings.app_id, "enable.auto.commit": False,
            "client.id": f"{settings.app_id}-watchdog"}))
        self._timeout = timeout

    def waiting(self, tps: Iterable[TopicPart], read: Mapping[TopicPart, int]) -> int:
        """Records between each partition's end and max(next read offset, committed offset)."""
        wanted = [TopicPartition(t, p) for t, p in tps]
        if not wanted:
            return 0
        with self._side.use() as consumer:
            committed = consumer.committed(wanted, timeout=self._timeout)
            total = 0
            for tp in committed:
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(tp.topic, tp.partition), timeout=self._timeout, cached=False)
                done = max(read.get((tp.topic, tp.partition), -1),
                           tp.offset if tp.offset >= 0 else low)
                total += max(0, high - done)
            return total

    def close(self) -> None:
        self._side.close()


def stalled(limit: float, idle_for: float, rebalancing: bool, waiting: int) -> bool:
    """The decision: input waits past the limit, or a rebalance hangs past 3x the limit."""
    if limit <= 0 or idle_for < limit:
        return False
    return bool(waiting) if not rebalancing else idle_for >= 3 * limit
