"""Table changelogs written through librdkafka (``faustfixes.DurableTable``), read back by
Faust's own recovery code, on the real broker."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from faust.types import TP
from faust.types.tuples import Message as FaustMessage

from deinfluence.settings import Settings
from deinfluence.streams import admin, topics
from deinfluence.streams.app import make_app, use_event
from deinfluence.streams.kafka import read_topic
from deinfluence.streams.output import OutputProducer
from deinfluence.streams.rawinput import Anchor
from deinfluence.streams.topics import TopicSpec

PARTITIONS = 3


def table_on_broker(settings: Settings, out: OutputProducer) -> Any:
    """A worker's table (``make_app``: ``DurableTable``) writing through ``out``; its
    changelog topic is created the way Faust would (``PARTITIONS`` partitions)."""
    app = make_app(settings.model_copy(update={"app_id": f"test-cl-{uuid.uuid4().hex[:8]}"}))
    table = app.Table("state", key_type=str)
    table.output = out
    admin.create_topics({"bootstrap.servers": settings.bootstrap},
                        [TopicSpec(table.changelog_topic.get_topic_name(), PARTITIONS, 1)])
    return table


def recovered(settings: Settings, table: Any) -> dict[str, Any]:
    """The table's changelog as Faust's recovery restores it into a fresh table: records
    decoded by the changelog topic, applied by ``apply_changelog_batch``."""
    name = table.changelog_topic.get_topic_name()
    records = read_topic(settings.bootstrap, name, timeout=10)
    fresh = make_app(settings.model_copy(update={"app_id": table.app.conf.id})).Table("state", key_type=str)

    async def decode() -> list[Any]:
        return [await fresh.changelog_topic.decode(FaustMessage(
            topic=name, partition=m.partition, offset=m.offset, timestamp=0.0, timestamp_type=0,
            headers=[], key=m.key, value=m.value, checksum=None)) for m in records]

    fresh.apply_changelog_batch(asyncio.run(decode()))
    return dict(fresh.data)


def write(table: Any, writes: list[tuple[int, str, Any]]) -> tuple[int, dict[TP, int]]:
    """Apply ``writes`` (partition, key, value or None to delete) as the agents do (item
    assignment and deletion, with an event of that partition current), then drain; returns
    (records drained, persisted offsets the store was given)."""
    persisted: dict[TP, int] = {}
    table.data.set_persisted_offset = lambda tp, offset: persisted.__setitem__(tp, offset)
    table._verified_source_topics_for_partitions.add(topics.RAW)
    anchors = {p: Anchor(p) for p in range(PARTITIONS)}

    async def run() -> int:
        for partition, key, value in writes:
            use_event(anchors[partition])  # type: ignore[arg-type]
            if value is None:
                del table[key]
            else:
                table[key] = value
        return int(await table.drain())

    return asyncio.run(run()), persisted


@pytest.mark.parametrize("queue", [200_000, 7], ids=["queue-roomy", "queue-of-7"])
def test_changelog_through_librdkafka_recovers_the_last_write_of_every_key(kafka_settings, queue):
    """Overwrites, a deletion and several partitions: Faust's recovery of what was written
    is the last value of each key, deleted keys absent. With a local queue of 7 records
    most writes wait in the table's overflow and must still land in write order."""
    out = OutputProducer(kafka_settings, **{"queue.buffering.max.messages": queue, "linger.ms": 1})
    try:
        table = table_on_broker(kafka_settings, out)
        writes: list[tuple[int, str, Any]] = []
        for i in range(600):  # 60 keys, each written 10 times with a growing count
            key = f"brand|k{i % 60}"
            writes.append((i % 60 % PARTITIONS, key, [i, {"posts": i, "names": ["a", "é"]}]))
        writes.append((0, "brand|k0", None))   # deleted at the end
        writes.append((1, "brand|k1", None))   # deleted, then written again
        writes.append((1, "brand|k1", [-1]))
        drained, persisted = write(table, writes)
    finally:
        assert out.close() == 0
    assert drained == len(writes)
    expected: dict[str, Any] = {}
    for _, key, value in writes:
        if value is None:
            expected.pop(key, None)
        else:
            expected[key] = value
    assert recovered(kafka_settings, table) == expected
    assert "brand|k0" not in expected and expected["brand|k1"] == [-1]  # the test can tell
    name = table.changelog_topic.get_topic_name()
    ends = {TP(name, m.partition): m.offset for m in read_topic(kafka_settings.bootstrap, name)}
    assert persisted == ends  # the store is told the last offset of every partition


def test_nothing_written_drains_nothing(kafka_settings):
    out = OutputProducer(kafka_settings)
    try:
        table = table_on_broker(kafka_settings, out)
        assert write(table, []) == (0, {})
    finally:
        out.close()
