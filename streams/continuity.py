"""Each stage reads its input contiguously from where its restored state ends.

Every stage stores, with its state and in the same changelog partition, the next input
offset it needs (written last, after the batch's outputs are acknowledged). Faust's
committed offsets are only a hint on top of that: when Faust delivers a partition's events
starting *beyond* that offset, the records in between are missing from the state, and
counting on would lose them for good. That happens when a commit runs ahead of the state
(Faust commits whatever was acked; ``Stream.take_events`` acks a batch in a ``finally``
clause, so even a batch whose processing was cancelled or failed; after a revocation
Faust drops the committed offset it checks acks against) or when Faust's consumer drops
records below a stale read offset after a seek (``Consumer._drain_messages``).

Rather than trusting every such path, the agents check each batch against the state:
offsets below the needed one are replays and skipped; a gap is filled by reading the
missing records straight from the broker with a separate client (:class:`GapReader`),
and the batch goes on as if Faust had delivered them. The internal topics are written
by idempotent, non-transactional producers, so their offsets are contiguous and any gap
is a delivery gap; on ``posts.raw`` a transactional producer leaves offsets without
records (commit markers) and the broker read simply finds nothing there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, KafkaError, TopicPartition

from deinfluence.settings import Settings
from deinfluence.streams.kafka import SideConsumer, confluent_config

log = logging.getLogger(__name__)


def gaps(offsets: Sequence[int], need: int) -> list[tuple[int, int]]:
    """Half-open offset ranges missing before and between ascending ``offsets``.

    ``need`` is the first offset the state has not seen; offsets below it are replays
    and never part of a gap.

    >>> gaps([5, 6, 9], 5)
    [(7, 9)]
    >>> gaps([7, 8], 3)
    [(3, 7)]
    >>> gaps([1, 2, 3], 2)
    []
    """
    out: list[tuple[int, int]] = []
    expected = need
    for offset in offsets:
        if offset > expected:
            out.append((expected, offset))
        expected = max(expected, offset + 1)
    return out


@dataclass(frozen=True, slots=True)
class Record:
    """A record read back from the broker, shaped like the part of a Faust message the
    agents use (``event.message.offset`` and so on)."""

    topic: str
    partition: int
    offset: int
    value: bytes | None
    key: bytes | None
    timestamp: float  # seconds, as Faust's messages

    @property
    def message(self) -> Record:
        return self


class GapReader:
    """Reads offset ranges of one partition with its own confluent-kafka client.

    The client never joins the consumer group (``assign``, no ``subscribe``) and never
    commits, so it cannot disturb the worker's assignment or offsets. Blocking: call it
    in a thread.
    """

    def __init__(self, settings: Settings, timeout: float = 30.0) -> None:
        self._side = SideConsumer(confluent_config(settings, **{
            "group.id": f"{settings.app_id}-gapreader", "enable.auto.commit": False,
            "auto.offset.reset": "earliest", "enable.partition.eof": True,
            "isolation.level": "read_uncommitted",  # as Faust's consumer reads
            "client.id": f"{settings.app_id}-gapreader"}))
        self._timeout = timeout

    def read(self, topic: str, partition: int, start: int, end: int) -> list[Record]:
        """The records with ``start <= offset < end`` that the partition still holds.

        Offsets without a record (transaction markers, retention past ``start``) are
        simply absent. Raises ``TimeoutError`` when the broker does not answer.
        """
        with self._side.use() as consumer:
            low, high = consumer.get_watermark_offsets(
                TopicPartition(topic, partition), timeout=self._timeout, cached=False)
            first, last = max(start, low), min(end, high)
            if first >= last:
                return []
            consumer.assign([TopicPartition(topic, partition, first if first > 0 else OFFSET_BEGINNING)])
            try:
                return self._read_until(consumer, topic, partition, last)
            finally:
                consumer.unassign()

    def _read_until(self, consumer: Any, topic: str, partition: int, end: int) -> list[Record]:
        out: list[Record] = []
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            # short polls: ``consume`` waits for its whole timeout unless it fills the batch
            for msg in consumer.consume(num_messages=500, timeout=0.2):
                err = msg.error()
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        return out
                    raise RuntimeError(f"reading {topic}[{partition}]: {err}")
                if msg.offset() >= end:
                    return out
                out.append(Record(topic, partition, msg.offset(), msg.value(), msg.key(),
                                  msg.timestamp()[1] / 1000.0))
                if msg.offset() == end - 1:
                    return out
        raise TimeoutError(f"could not read {topic}[{partition}] up to offset {end} "
                           f"within {self._timeout} s")

    def close(self) -> None:
        self._side.close()
