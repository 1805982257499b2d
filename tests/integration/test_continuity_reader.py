"""Reading skipped offsets back from the real broker (streams.continuity.GapReader)."""

from __future__ import annotations

import time
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

from deinfluence.settings import Settings
from deinfluence.streams.continuity import GapReader, gaps


def _produce(bootstrap: str, topic: str, partition: int, n: int, **conf: object) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, **conf})
    for i in range(n):
        producer.produce(topic, b"v%d" % i, b"k%d" % i, partition=partition)
    assert producer.flush(30) == 0


def test_reads_exactly_the_missing_range(kafka_settings: Settings, new_topic: str) -> None:
    _produce(kafka_settings.bootstrap, new_topic, 0, 30)
    reader = GapReader(kafka_settings.model_copy(update={"app_id": "gapreader-test"}), timeout=20)
    try:
        records = reader.read(new_topic, 0, 5, 12)
        assert [r.offset for r in records] == list(range(5, 12))
        assert [r.value for r in records] == [b"v%d" % i for i in range(5, 12)]
        assert records[0].message.partition == 0 and records[0].timestamp > 1e9  # seconds
        assert [r.offset for r in reader.read(new_topic, 0, 25, 100)] == list(range(25, 30))
        assert reader.read(new_topic, 0, 40, 50) == []  # past the end
        assert reader.read(new_topic, 1, 0, 10) == []   # an empty partition
        # retention (here: deleted records) moved the log start past the gap's beginning
        admin = AdminClient({"bootstrap.servers": kafka_settings.bootstrap})
        for fut in admin.delete_records([TopicPartition(new_topic, 0, 10)]).values():
            fut.result(timeout=30)
        assert [r.offset for r in reader.read(new_topic, 0, 0, 15)] == list(range(10, 15))
    finally:
        reader.close()


def test_transaction_markers_are_offsets_without_records(kafka_settings: Settings, new_topic: str) -> None:
    """A transactional producer on posts.raw leaves offsets a consumer never sees: the
    reader finds nothing there, so such a 'gap' costs a read and loses nothing."""
    producer = Producer({"bootstrap.servers": kafka_settings.bootstrap,
                         "transactional.id": f"gap-test-{uuid.uuid4().hex[:6]}"})
    producer.init_transactions(30)
    producer.begin_transaction()
    for i in range(3):
        producer.produce(new_topic, b"t%d" % i, partition=2)
    producer.commit_transaction(30)  # records 0..2, then the commit marker at 3...
    probe = Consumer({"bootstrap.servers": kafka_settings.bootstrap, "group.id": "gap-test-probe"})
    deadline = time.monotonic() + 30
    while probe.get_watermark_offsets(TopicPartition(new_topic, 2), timeout=10)[1] < 4:
        assert time.monotonic() < deadline, "the commit marker was never written"
        time.sleep(0.1)  # ...which the coordinator writes after commit_transaction returns
    probe.close()
    _produce(kafka_settings.bootstrap, new_topic, 2, 1)  # offset 4
    reader = GapReader(kafka_settings.model_copy(update={"app_id": "gapreader-test"}), timeout=20)
    try:
        offsets = [r.offset for r in reader.read(new_topic, 2, 0, 10)]
        assert offsets == [0, 1, 2, 4]
        assert gaps(offsets, 0) == [(3, 4)]
        assert reader.read(new_topic, 2, 3, 4) == []
    finally:
        reader.close()
