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


def quiet_partitions(now: float, limit: float, assigned: Iterable[TopicPart],
                     advanced_at: Mapping[TopicPart, float], since: float,
                     busy: Iterable[str], last_ack: float) -> dict[TopicPart, float]:
    """Assigned input partitions whose read offset has not advanced for ``limit`` seconds,
    with how long each has been quiet.

    The check is per partition: a worker that reads some partitions and not others is
    stalled on those, however busy the rest keeps it (idle announcements, for one, keep the
    downstream agents processing short batches forever). ``since`` is when the assignment
    (and its recovery) completed.

    One exception, back-pressure: while an agent is inside a batch (``busy``, its input
    topics) whose records are being acknowledged (``last_ack`` within the limit), no
    partition counts as quiet. Its own topic's partitions wait behind the batch, and Faust
    delivers every topic through one fetcher, which blocks on the first full stream buffer,
    so the other agents' partitions wait too.
    """
    if set(busy) and now - last_ack < limit:
        return {}
    quiet: dict[TopicPart, float] = {}
    for tp in assigned:
        idle = now - max(advanced_at.get(tp, since), since)
        if idle >= limit:
            quiet[tp] = idle
    return quiet


def stalled(limit: float, idle_for: float, rebalancing: bool, waiting: int) -> bool:
    """The decision: input waits past the limit, or a rebalance hangs past 3x the limit."""
    if limit <= 0 or idle_for < limit:
        return False
    return bool(waiting) if not rebalancing else idle_for >= 3 * limit
