"""The agents' librdkafka output producer (``streams.output``) on the real broker."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka.partitioner import DefaultPartitioner

from deinfluence.errors import KafkaError
from deinfluence.settings import Settings
from deinfluence.streams import admin
from deinfluence.streams.kafka import read_topic
from deinfluence.streams.output import OutputProducer
from deinfluence.streams.topics import TopicSpec


def fresh_topic(settings: Settings, partitions: int) -> str:
    name = f"test.out.{uuid.uuid4().hex[:10]}"
    admin.create_topics({"bootstrap.servers": settings.bootstrap}, [TopicSpec(name, partitions, 1)])
    return name


def send_all(out: OutputProducer, records: list[tuple[str, bytes | None, bytes, int | None]]) -> None:
    async def run() -> None:
        delivery = out.delivery()
        for topic, key, value, partition in records:
            await delivery.send(topic, key, value, partition)
        await delivery.acked()

    asyncio.run(run())


@pytest.mark.parametrize("partitions", [3, 7, 12])
def test_keys_land_on_the_partitions_faust_aiokafka_chose(kafka_settings, partitions):
    """Keyed records land where aiokafka's DefaultPartitioner (Java's murmur2) puts them, so a
    compacted topic's keys do not move between Faust's producer and this one."""
    topic = fresh_topic(kafka_settings, partitions)
    keys = [f"brand|acme{i}|300|{1_700_000_000_000 + i * 7}".encode() for i in range(300)]
    keys += [f"p{i}".encode() for i in range(300)] + [b"", b"\xff\x00binary"]
    out = OutputProducer(kafka_settings)
    try:
        send_all(out, [(topic, key, b"v", None) for key in keys])
    finally:
        assert out.close() == 0
    got = {m.key: m.partition for m in read_topic(kafka_settings.bootstrap, topic)}
    everything = list(range(partitions))
    expected = {key: DefaultPartitioner()(key, everything, everything) for key in keys}
    assert got == expected
    assert len(set(got.values())) == partitions  # the keys spread: the test can tell


def test_acked_means_every_record_is_on_the_broker(kafka_settings):
    """After ``acked()`` each record is readable (explicit partitions kept), none missing."""
    topic = fresh_topic(kafka_settings, 4)
    out = OutputProducer(kafka_settings)
    records = [(topic, str(i).encode(), f"v{i}".encode(), i % 4) for i in range(2_000)]
    try:
        send_all(out, records)
        read = read_topic(kafka_settings.bootstrap, topic, timeout=10)  # no flush before
    finally:
        out.close()
    assert sorted((m.key, m.value, m.partition) for m in read) == sorted(
        (k, v, p) for _, k, v, p in records)


def test_a_full_local_queue_makes_the_sender_wait_not_fail(kafka_settings):
    """A queue bounded at 10 records still takes 3,000: ``send`` waits for room."""
    topic = fresh_topic(kafka_settings, 2)
    out = OutputProducer(kafka_settings, **{"queue.buffering.max.messages": 10, "linger.ms": 1})
    try:
        send_all(out, [(topic, None, b"x" * 100, None) for _ in range(3_000)])
    finally:
        out.close()
    assert len(read_topic(kafka_settings.bootstrap, topic, timeout=10)) == 3_000


def test_an_undeliverable_record_fails_the_batch(kafka_settings):
    """A record the broker cannot take (a partition that does not exist) fails the batch."""
    topic = fresh_topic(kafka_settings, 2)
    out = OutputProducer(kafka_settings, **{"message.timeout.ms": 5_000})
    try:
        with pytest.raises(KafkaError, match=topic):
            send_all(out, [(topic, b"a", b"ok", 0), (topic, b"b", b"lost", 5)])
    finally:
        out.close()


def test_an_empty_batch_is_acked_at_once_and_close_is_idempotent(kafka_settings):
    out = OutputProducer(kafka_settings)
    send_all(out, [])
    assert out.close() == 0
    assert out.close() == 0
    with pytest.raises(KafkaError, match="closed"):
        asyncio.run(_delivery_of(out))


async def _delivery_of(out: OutputProducer) -> None:
    out.delivery()


def test_only_progress_batches_move_last_ack(kafka_settings):
    """The stall watchdog reads ``last_ack`` as the worker's progress. Records sent by timers
    (idle announcements) are acked every few seconds even when the input stopped, so their
    batches (``delivery(progress=False)``) must leave it alone."""
    topic = fresh_topic(kafka_settings, 1)
    out = OutputProducer(kafka_settings)

    async def send(progress: bool) -> None:
        delivery = out.delivery(progress)
        await delivery.send(topic, None, b"x")
        await delivery.acked()

    try:
        before = out.last_ack
        asyncio.run(send(progress=False))
        assert out.last_ack == before
        asyncio.run(send(progress=True))
        assert out.last_ack > before
    finally:
        out.close()
