"""The raw reader (streams.rawinput.RawReader) on the real broker."""

from __future__ import annotations

import time

from confluent_kafka import Producer

from deinfluence.settings import Settings
from deinfluence.streams.rawinput import RawReader

BACKLOG = 30_000
READ = 2_000


def _backlog(bootstrap: str, topic: str) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20})
    value = b'{"text": "%s"}' % (b"don't buy it " * 20)
    for i in range(BACKLOG):
        while True:
            try:
                producer.produce(topic, value, b"k%d" % i, partition=i % 3)
                break
            except BufferError:
                producer.poll(0.05)
    assert producer.flush(60) == 0


def test_a_busy_reader_gets_full_reads_from_a_backlog(kafka_settings: Settings, new_topic: str) -> None:
    """While a backlog lasts, every read is a full one, however long the worker spends
    between reads: the prefetch refills as it is drained.

    With librdkafka's default ``fetch.queue.backoff.ms`` (1 s), a partition whose queue had
    reached ``queued.min.messages`` was not fetched again for up to a second: reads came back
    short, then empty, until it was, and the classify stage idled (docs/performance.md).
    """
    _backlog(kafka_settings.bootstrap, new_topic)
    reader = RawReader(kafka_settings.model_copy(update={"app_id": "rawreader-test"}), topic=new_topic)
    try:
        reader.assign({0: 0, 1: 0, 2: 0})
        deadline = time.monotonic() + 60
        while not (first := reader.consume(READ, 1.0)):  # the first fetch is under way
            assert time.monotonic() < deadline, "nothing read from the backlog"
        sizes = [len(first)]
        while sum(sizes) < BACKLOG and time.monotonic() < deadline:
            time.sleep(0.05)  # the worker classifying the batch it read
            # the worker's own wait for a batch (DEINFLUENCE_BATCH_TIMEOUT's default)
            sizes.append(len(reader.consume(READ, 0.05)))
        assert sum(sizes) == BACKLOG
        assert sizes == [READ] * (BACKLOG // READ), f"short reads from a backlog: {sizes}"
        assert reader.highwater == {p: BACKLOG // 3 for p in range(3)}
    finally:
        reader.close()
