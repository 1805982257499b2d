"""The agents' output records, produced by one librdkafka producer per worker.

Faust's producer (aiokafka) spends tens of microseconds of Python on every record: a
``FutureMessage``, an asyncio future and a pure-Python murmur2 each, 40 to 50% of a busy
worker's time (``docs/performance.md``). Here a record is one ``produce()`` call into
librdkafka's C queue; a thread runs the delivery reports.

Exactness needs what Faust's futures gave: every record of a batch is acknowledged by the
broker (``acks=all``, idempotent) before the batch's progress is stored. A :class:`Delivery`
counts the records of one batch and wakes one asyncio future when the last report arrives;
a failed record fails the batch (:meth:`Delivery.acked` raises, the agent stops, nothing is
committed). The tables' changelog records go this way too (``faustfixes.DurableTable``):
Faust's producer path cost 15 to 20 % of a busy worker's event loop in them.

Keyed records land where Faust's producer put them: librdkafka's ``murmur2_random`` is the
Java client's partitioner, the one aiokafka implements (``deinfluence.aggregates`` is
compacted: a key must not move to another partition between versions).

Example:
    >>> out = OutputProducer(settings, client_id="faust-0.15.3")
    >>> delivery = out.delivery()
    >>> await delivery.send("posts.classified", b"p1", b"{...}")
    >>> await delivery.acked()  # raises KafkaError if any record failed
    >>> out.close()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from confluent_kafka import KafkaError as LibKafkaError
from confluent_kafka import KafkaException, Message, Producer

from deinfluence.errors import KafkaError
from deinfluence.settings import Settings

log = logging.getLogger(__name__)

UNASSIGNED = -1  # librdkafka's RD_KAFKA_PARTITION_UA: let the partitioner choose
FULL_QUEUE_WAIT_S = 0.005  # back-pressure: how long to yield before retrying a full queue
CLOSE_TIMEOUT_S = 30.0

PRODUCER_DEFAULTS: dict[str, Any] = {
    "acks": "all",
    "enable.idempotence": True,  # retries never duplicate or reorder a partition's records
    "linger.ms": 5,
    "partitioner": "murmur2_random",  # = Java's and aiokafka's DefaultPartitioner
    # Faust's producer waits 20 minutes for the broker (a broker restart is not fatal)
    "message.timeout.ms": 1_200_000,
    # the bound on memory: a full queue makes senders wait (Delivery.send)
    "queue.buffering.max.messages": 200_000,
    "queue.buffering.max.kbytes": 65_536,
}


class OutputProducer:
    """One confluent-kafka producer and its delivery-report thread (made by ``start`` or at first use)."""

    def __init__(self, settings: Settings, client_id: str | None = None, **extra: Any) -> None:
        """
        Args:
            settings: bootstrap servers and security (``streams.kafka.confluent_config``).
            client_id: the Kafka client id; the worker passes Faust's, so that broker quotas
                on the worker's client id cover these writes too.
            **extra: librdkafka properties over :data:`PRODUCER_DEFAULTS`.
        """
        from deinfluence.streams.kafka import confluent_config

        conf = {**PRODUCER_DEFAULTS, "compression.type": settings.compression, **extra,
                "error_cb": self._on_error}
        if client_id:
            conf["client.id"] = client_id
        self._conf = confluent_config(settings, **conf)
        self._producer: Producer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.fatal: str | None = None
        self.last_ack = time.monotonic()  # of any record, set by the delivery-report thread

    def start(self, topics: Sequence[str] = (), timeout: float = 30.0) -> None:
        """Create the producer now and load the topics' metadata, before the agents run.

        Created lazily at the first batch, the producer would still be connecting and
        acquiring its idempotent producer id while that batch waits for its acks; the
        other raw partitions would look idle meanwhile (``Agents.announce_idle_partitions``).
        """
        producer = self._started()
        for topic in topics:
            try:
                producer.list_topics(topic, timeout=timeout)
            except KafkaException as exc:
                raise KafkaError(f"output producer cannot load metadata of {topic!r}: {exc}") from exc

    def delivery(self, progress: bool = True) -> Delivery:
        """A new batch of records, bound to the running event loop.

        ``progress``: whether this batch's acknowledgements count as the worker's progress
        (``last_ack``, read by the stall watchdog). The agents' batches do; records sent by
        timers (idle announcements, periodic updates) do not, or a worker whose input
        stopped would look busy forever.
        """
        return Delivery(self._started(), asyncio.get_running_loop(), self if progress else None)

    def _started(self) -> Producer:
        if self._stopping.is_set():
            raise KafkaError("the output producer is closed")
        producer = self._producer
        if producer is None:
            with self._lock:
                if self._producer is None:
                    self._producer = Producer(self._conf)
                    self._thread = threading.Thread(
                        target=self._poll, name="output-producer-poll", daemon=True)
                    self._thread.start()
                producer = self._producer
        return producer

    def _poll(self) -> None:
        """Serve delivery reports (each ``Delivery`` callback runs here) until closed."""
        assert self._producer is not None
        while not self._stopping.is_set():
            self._producer.poll(0.1)

    def _on_error(self, err: LibKafkaError) -> None:
        if err.fatal():  # the idempotent producer cannot go on: its batches fail
            self.fatal = str(err)
            log.error("output producer: fatal error %s", err)
        else:  # transient (broker down, reconnecting): librdkafka retries by itself
            log.warning("output producer: %s", err)

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> int:
        """Deliver what is queued (up to ``timeout`` s), stop the thread; records left undelivered."""
        with self._lock:
            if self._stopping.is_set():
                return 0
            self._stopping.set()
            producer, thread = self._producer, self._thread
        if producer is None:
            return 0
        if thread is not None:
            thread.join()
        remaining = producer.flush(timeout)  # serves the last delivery reports here
        if remaining:
            log.error("output producer: %d records undelivered at close", remaining)
        producer.close()
        return int(remaining)


class Delivery:
    """The records of one batch: ``await acked()`` returns once the broker acknowledged all.

    ``sent`` is written only by the event loop, ``done`` only by the delivery-report thread;
    whichever side sees the other's last write resolves the single future (both may: the
    resolution is idempotent and runs on the loop).
    """

    __slots__ = ("_producer", "_loop", "_owner", "_future", "_report", "sent", "done", "sealed",
                 "error", "offsets")

    def __init__(self, producer: Producer, loop: asyncio.AbstractEventLoop,
                 owner: OutputProducer | None = None) -> None:
        self._producer = producer
        self._owner = owner
        self._loop = loop
        self._future: asyncio.Future[None] | None = None
        self._report = self._delivered  # one bound method for all records of the batch
        self.sent = 0
        self.done = 0
        self.sealed = False
        self.error: str | None = None
        # partition -> highest acknowledged offset, kept when a caller sets it to a dict
        # (table changelogs: ``faustfixes.DurableTable``); read after ``acked``
        self.offsets: dict[int, int] | None = None

    async def send(self, topic: str, key: bytes | None, value: bytes | None,
                   partition: int | None = None) -> None:
        """Queue one record; waits (yielding to the loop) while librdkafka's queue is full."""
        await self.send_many(topic, ((key, value),), partition)

    async def send_many(self, topic: str, records: Iterable[tuple[bytes | None, bytes | None]],
                        partition: int | None = None) -> None:
        """Queue ``(key, value)`` records to ``partition`` (``None``: by key), without a
        coroutine per record; waits (yielding to the loop) while librdkafka's queue is full."""
        target = UNASSIGNED if partition is None else partition
        put = self.put
        for key, value in records:
            while not put(topic, key, value, target):  # the bounded local queue is full:
                await asyncio.sleep(FULL_QUEUE_WAIT_S)  # let deliveries drain

    def put(self, topic: str, key: bytes | None, value: bytes | None, partition: int) -> bool:
        """Queue one record without waiting (``partition``: ``UNASSIGNED`` for by key): False
        when librdkafka's bounded queue is full (the caller keeps the record and sends it
        later with :meth:`send`)."""
        try:
            self._producer.produce(topic, value, key, partition, on_delivery=self._report)
        except BufferError:
            return False
        except KafkaException as exc:
            where = "" if partition == UNASSIGNED else f" partition {partition}"
            raise KafkaError(f"cannot produce to {topic!r}{where}: {exc}") from exc
        self.sent += 1
        return True

    async def acked(self) -> None:
        """Wait for every record's acknowledgement.

        Raises:
            KafkaError: a record was not delivered (the batch must not be committed).
        """
        if self.sent:
            self._future = self._loop.create_future()  # before ``sealed``: the thread uses it
            self.sealed = True
            if self.done == self.sent:
                self._resolve()
            await self._future
        if self.error is not None:
            raise KafkaError(f"output record not delivered: {self.error}")

    def _delivered(self, err: LibKafkaError | None, msg: Message) -> None:
        """Delivery report, on the poll thread (or in ``close``'s flush)."""
        if err is not None and self.error is None:
            self.error = f"{err.str()} ({msg.topic()} partition {msg.partition()})"
        if err is None and self.offsets is not None:
            p, offset = msg.partition(), msg.offset()
            if offset > self.offsets.get(p, -1):
                self.offsets[p] = offset
        self.done += 1
        if self._owner is not None and err is None:
            self._owner.last_ack = time.monotonic()  # an ack is progress (the stall watchdog)
        if self.sealed and self.done == self.sent:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                self._loop.call_soon_threadsafe(self._resolve)

    def _resolve(self) -> None:
        if self._future is not None and not self._future.done():
            self._future.set_result(None)
