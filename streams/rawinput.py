"""``posts.raw`` read in batches by one librdkafka consumer, beside Faust's stream machinery.

Why: Faust hands an agent its records one ``Event`` at a time (a ``Message``, an ``Event``,
an asyncio queue put and get, per-record ack bookkeeping), about 100 to 150 microseconds
per record on this machine. That caps a worker at a few thousand records per second
whatever the agent does, and ``posts.raw`` carries one post per record (issue #9,
``docs/performance.md``). Here one call returns up to ``batch_size`` records from
librdkafka's prefetch queue.

What stays Faust's, because it is sound: group membership and the assignment (the classify
agent still subscribes to ``posts.raw``, so each raw partition is assigned together with its
partition of the source table's changelog), table recovery and the tables themselves.

What this module does instead (wired in ``streams.agents``):

- Faust never fetches ``posts.raw``: :func:`exclude_from_faust_fetch` keeps its partitions
  out of Faust's active partitions, and aiokafka's prefetch is paused for them.
- After every rebalance's table recovery, the reader is assigned the worker's raw
  partitions at the offset the *restored source state* needs. Contiguity with the state
  holds by construction; Faust's committed offsets play no part.
- On revocation the batch in flight finishes (its outputs acknowledged, its state written)
  and the reader is unassigned before Faust goes on with the rebalance.
- Committed offsets of ``posts.raw`` are only for lag monitoring (``kafka-consumer-groups``,
  the benchmark); they are committed through Faust's consumer, with the group's generation.

``DEINFLUENCE_RAW_INPUT=faust`` switches back to Faust's stream for ``posts.raw``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from confluent_kafka import Consumer, KafkaError, TopicPartition

from deinfluence.settings import Settings
from deinfluence.streams import topics
from deinfluence.streams.kafka import confluent_config

log = logging.getLogger(__name__)

READER_DEFAULTS: dict[str, Any] = {
    "enable.auto.commit": False,
    "enable.auto.offset.store": False,
    "auto.offset.reset": "earliest",  # below the log start (retention): the oldest record left
    "isolation.level": "read_uncommitted",  # as Faust's consumer reads
    # librdkafka's prefetch, per partition: a few batches ahead, not the whole backlog (its
    # defaults, 100,000 messages and 64 MiB, held the backlog in memory while a slow
    # downstream stalled the worker: tests/integration/test_faults.py, back-pressure)
    "queued.min.messages": 10_000,
    "queued.max.messages.kbytes": 8_192,
    "fetch.wait.max.ms": 100,
    # librdkafka (>= 2.1) postpones a partition's next fetch by this long once its queue
    # reached the thresholds above; its default, 1,000 ms, emptied the queue under a busy
    # worker: reads of 2,000 records came back with a few hundred, then nothing for 300 ms,
    # and the classify stage idled a third of the time (docs/performance.md, session 10)
    "fetch.queue.backoff.ms": 10,
}


class Anchor:
    """Stands in for a Faust event of raw partition ``p``: Faust's tables pick the changelog
    partition of a write from the current event's ``message.partition``."""

    def __init__(self, partition: int) -> None:
        self.message = self
        self.topic = topics.RAW
        self.partition = partition


class RawReader:
    """One confluent-kafka consumer, only ever called from its own thread.

    It never subscribes (``assign`` only, so it cannot join or disturb the worker's group)
    and never commits. The coroutines hand each call to the thread and await it; calls run
    in the order they were made.
    """

    def __init__(self, settings: Settings, topic: str = topics.RAW, **extra: Any) -> None:
        self.topic = topic  # posts.raw; tests read a topic of their own
        self._conf = confluent_config(settings, **{
            **READER_DEFAULTS, "group.id": f"{settings.app_id}-raw",
            "client.id": f"{settings.app_id}-raw", **extra})
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="raw-reader")
        self._consumer: Consumer | None = None
        self.assigned: dict[int, int] = {}  # partition -> offset it was assigned at
        self.highwater: dict[int, int] = {}  # partition -> cached high watermark (fetch responses)
        self.errors = 0

    def _client(self) -> Consumer:
        if self._consumer is None:
            self._consumer = Consumer(dict(self._conf))
        return self._consumer

    def submit(self, fn: Any, *args: Any) -> asyncio.Future[Any]:
        """Queue ``fn(*args)`` on the reader's thread *now*; the caller awaits the result."""
        return asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    # -- run on the reader's thread --------------------------------------------------
    def assign(self, starts: Mapping[int, int]) -> None:
        """Read exactly these raw partitions, each from its offset (the assignment is replaced)."""
        self._client().assign([TopicPartition(self.topic, p, off) for p, off in sorted(starts.items())])
        self.assigned = dict(starts)
        self.highwater = {p: h for p, h in self.highwater.items() if p in starts}

    def consume(self, size: int, timeout: float) -> list[Any]:
        """Up to ``size`` records, waiting up to ``timeout`` s for the first one."""
        if not self.assigned:
            return []
        consumer = self._client()
        out = []
        for msg in consumer.consume(num_messages=size, timeout=timeout):
            err = msg.error()
            if err is None:
                out.append(msg)
            elif err.code() != KafkaError._PARTITION_EOF:  # transient: librdkafka retries itself
                self.errors += 1
                log.warning("raw reader: %s", err)
        for p in self.assigned:
            high = consumer.get_watermark_offsets(TopicPartition(self.topic, p), cached=True)[1]
            if high is not None and high >= 0:
                self.highwater[p] = high
        return out

    def close(self) -> None:
        def _close() -> None:
            if self._consumer is not None:
                self._consumer.close()
                self._consumer = None
        self._executor.submit(_close).result(timeout=30)
        self._executor.shutdown(wait=False)


def by_partition(messages: Iterable[Any]) -> dict[int, list[tuple[int, bytes | None]]]:
    """``{partition: [(offset, value), ...]}`` of confluent-kafka messages, in their order."""
    out: dict[int, list[tuple[int, bytes | None]]] = {}
    for msg in messages:
        out.setdefault(msg.partition(), []).append((msg.offset(), msg.value()))
    return out


CHUNK_BYTES = 1 << 20  # raw bytes per classify call: ~2,000 single posts or 8 envelopes of 250


def chunks(records: list[tuple[int, bytes | None]], max_bytes: int) -> Iterator[list[tuple[int, bytes | None]]]:
    """``records`` in consecutive runs of at most ``max_bytes`` of values (at least one record
    each): one read can return thousands of batch envelopes, far more posts than one batch
    should hold in memory or route in one message.

    >>> [len(c) for c in chunks([(0, b"x" * 6), (1, b"x" * 6), (2, None), (3, b"x" * 20)], 10)]
    [1, 2, 1]
    """
    start, size = 0, 0
    for i, (_, value) in enumerate(records):
        n = len(value) if value else 0
        if i > start and size + n > max_bytes:
            yield records[start:i]
            start, size = i, 0
        size += n
    if start < len(records):
        yield records[start:]


def exclude_from_faust_fetch(consumer: Any, topic: str) -> None:
    """Keep ``topic``'s partitions out of every fetch of Faust's consumer (idempotent).

    Faust fetches the partitions ``Consumer._get_active_partitions()`` returns; assignment,
    recovery and flow control all add to that set, so the filter sits on the getter.
    """
    if getattr(consumer, "_deinfluence_excluded", None) == topic:
        return
    original = consumer._get_active_partitions

    def active() -> Any:
        tps = original()
        for tp in [tp for tp in tps if tp.topic == topic]:
            tps.discard(tp)  # the set is Faust's own, kept up to date in place
        return tps

    consumer._get_active_partitions = active
    consumer._deinfluence_excluded = topic


async def pause_in_aiokafka(consumer: Any, topic: str, partitions: Iterable[int]) -> None:
    """Stop aiokafka's background prefetch of ``topic``'s partitions (best effort: without
    it aiokafka buffers one fetch per partition that Faust never asks for)."""
    thread = consumer._thread  # Faust runs aiokafka on a thread with its own loop

    async def pause() -> None:
        client = thread._ensure_consumer()
        assigned = {(tp.topic, tp.partition): tp for tp in client.assignment()}
        tps = [assigned[topic, p] for p in partitions if (topic, p) in assigned]
        if tps:
            client.pause(*tps)

    await asyncio.wait_for(asyncio.wrap_future(
        asyncio.run_coroutine_threadsafe(pause(), thread.thread_loop)), 10)
