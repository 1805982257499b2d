"""Producing files of posts into Kafka and reading topics back (``replay``, ``tail``, tests).

Configurations are plain librdkafka mappings (see
:func:`deinfluence.streams.kafka.confluent_config`); a bare ``"host:port"`` string
also works. Library errors become :class:`KafkaError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_END,
    Consumer,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka import KafkaError as LibKafkaError

from deinfluence.errors import KafkaError

Config = Mapping[str, Any] | str


class Message(NamedTuple):
    """One record read back from a topic."""

    key: bytes | None
    value: bytes | None
    partition: int
    offset: int


@dataclass
class ProduceStats:
    """Counts of a :func:`produce_lines` run."""

    posts: int = 0
    messages: int = 0
    seconds: float = 0.0


def _conf(conf: Config, **extra: Any) -> dict[str, Any]:
    base = {"bootstrap.servers": conf} if isinstance(conf, str) else dict(conf)
    return {**base, **extra}


def _post_key(line: bytes) -> tuple[bool, bytes | None]:
    """(is a JSON object, its post_id as bytes when it has a string one)."""
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False, None
    if not isinstance(value, dict):
        return False, None
    post_id = value.get("post_id")
    return True, post_id.encode() if isinstance(post_id, str) else None


def produce_lines(
    conf: Config,
    topic: str,
    lines: Iterable[bytes],
    *,
    rate: float | None = None,
    envelope: int | None = None,
    progress: Callable[[ProduceStats], None] | None = None,
) -> ProduceStats:
    """Produce JSONL lines to ``topic``, key = ``post_id``; wait until all are acknowledged.

    Args:
        conf: librdkafka config or bootstrap string.
        topic: target topic.
        lines: one post per line (trailing newline optional; blank lines are skipped). A
            line that is not a JSON object is sent as it is, alone, so bad input can be shown.
        rate: at most this many posts per second.
        envelope: pack this many consecutive posts into one JSON-array message
            (key = the first post's id).
        progress: called about once a second with the running counts.

    Raises:
        KafkaError: a message could not be delivered.
    """
    producer = Producer(_conf(conf, **{"enable.idempotence": True, "linger.ms": 20}))
    failures: list[str] = []

    def delivered(err: LibKafkaError | None, _msg: object) -> None:
        if err is not None:
            failures.append(str(err))

    stats, started, last_report = ProduceStats(), time.monotonic(), time.monotonic()
    batch: list[bytes] = []
    batch_key: bytes | None = None

    def send(value: bytes, key: bytes | None, posts: int) -> None:
        _produce(producer, topic, value, key, delivered)
        stats.messages += 1
        stats.posts += posts

    for raw in lines:
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            continue
        is_post, key = _post_key(line)
        if envelope and is_post:
            batch_key = batch_key if batch else key
            batch.append(line)
            if len(batch) >= envelope:
                send(b"[" + b",".join(batch) + b"]", batch_key, len(batch))
                batch = []
        else:
            send(line, key, 1)
        if rate:
            _throttle(stats.posts + len(batch), rate, started)
        if progress and time.monotonic() - last_report >= 1.0:
            last_report = time.monotonic()
            stats.seconds = last_report - started
            progress(stats)
    if batch:
        send(b"[" + b",".join(batch) + b"]", batch_key, len(batch))
    remaining = producer.flush(60)
    stats.seconds = time.monotonic() - started
    if remaining or failures:
        detail = failures[0] if failures else f"{remaining} messages still queued after 60s"
        raise KafkaError(f"could not deliver to {topic!r}: {detail}")
    return stats


def _produce(producer: Producer, topic: str, value: bytes, key: bytes | None, cb: Any) -> None:
    while True:
        try:
            producer.produce(topic, value=value, key=key, on_delivery=cb)
            producer.poll(0)
            return
        except BufferError:  # local queue full: let deliveries drain, then retry
            producer.poll(0.1)
        except KafkaException as exc:
            raise KafkaError(f"cannot produce to {topic!r}: {exc}") from exc


def _throttle(posts: int, rate: float, started: float) -> None:
    ahead = posts / rate - (time.monotonic() - started)
    if ahead > 0:
        time.sleep(ahead)


def read_topic(conf: Config, topic: str, timeout: float = 30.0) -> list[Message]:
    """Every record of ``topic`` from the beginning up to its end as of the call.

    Raises:
        KafkaError: the topic does not exist or its end was not reached within ``timeout``.
    """
    consumer = _consumer(conf)
    try:
        ends: dict[int, int] = {}
        for tp in _partitions(consumer, topic, timeout):
            low, high = consumer.get_watermark_offsets(tp, timeout=timeout)
            if high > low:
                ends[tp.partition] = high
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
        out: list[Message] = []
        deadline = time.monotonic() + timeout
        while ends:
            if time.monotonic() > deadline:
                raise KafkaError(
                    f"timed out reading {topic!r}: partitions {sorted(ends)} unfinished"
                )
            msg: Any = consumer.poll(0.5)
            if msg is None:
                continue
            if not _is_end_event(msg, topic):
                out.append(Message(msg.key(), msg.value(), msg.partition(), msg.offset()))
            if msg.partition() in ends and _position(consumer, topic, msg) >= ends[msg.partition()]:
                del ends[msg.partition()]
        return out
    finally:
        consumer.close()


def follow_topic(
    conf: Config, topic: str, *, from_beginning: bool = False, idle_timeout: float | None = None
) -> Iterator[Message]:
    """Yield records of ``topic`` as they arrive, until ``idle_timeout`` seconds pass quietly."""
    consumer = _consumer(conf)
    try:
        start = OFFSET_BEGINNING if from_beginning else OFFSET_END
        consumer.assign(
            [TopicPartition(topic, tp.partition, start) for tp in _partitions(consumer, topic, 30)]
        )
        last = time.monotonic()
        while idle_timeout is None or time.monotonic() - last < idle_timeout:
            msg: Any = consumer.poll(0.2)
            if msg is None or _is_end_event(msg, topic):
                continue
            last = time.monotonic()
            yield Message(msg.key(), msg.value(), msg.partition(), msg.offset())
    finally:
        consumer.close()


def _is_end_event(msg: Any, topic: str) -> bool:
    """True for an end-of-partition event; raises on any other consumer error."""
    err = msg.error()
    if err is None:
        return False
    if err.code() == LibKafkaError._PARTITION_EOF:
        return True
    raise KafkaError(f"error reading {topic!r} partition {msg.partition()}: {err}")


def _consumer(conf: Config) -> Consumer:
    extra = {"group.id": "deinfluence-reader", "enable.auto.commit": False,
             "enable.partition.eof": True, "isolation.level": "read_committed"}  # fmt: skip
    return Consumer(_conf(conf, **extra))


def _partitions(consumer: Consumer, topic: str, timeout: float) -> list[TopicPartition]:
    try:
        meta = consumer.list_topics(topic, timeout=timeout).topics[topic]
    except KafkaException as exc:
        raise KafkaError(f"cannot reach Kafka to read {topic!r}: {exc}") from exc
    if meta.error is not None:
        raise KafkaError(f"cannot read topic {topic!r}: {meta.error}")
    return [TopicPartition(topic, p) for p in sorted(meta.partitions)]


def _position(consumer: Consumer, topic: str, msg: Any) -> int:
    if msg.error() is not None:  # end-of-partition event: its offset is the end
        return int(msg.offset())
    (tp,) = consumer.position([TopicPartition(topic, msg.partition())])
    return max(int(tp.offset), msg.offset() + 1)
