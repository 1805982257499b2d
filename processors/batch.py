"""One micro-batch of raw messages from one source partition: decode, validate, classify.

Shared by the worker's classify agent and by ``backfill`` so both treat every message alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from deinfluence.processors import native
from deinfluence.processors.classify import Classifier
from deinfluence.processors.eventtime import SLOTS, Item, last_position, position, split_position
from deinfluence.schemas.deadletter import deadletter_record, deadletter_records
from deinfluence.schemas.post import Limits, decode_message


@dataclass(slots=True)
class PreparedBatch:
    items: list[Item]
    deadletters: list[dict[str, Any]]
    through: int
    messages: int


def prepare_batch(
    messages: Sequence[tuple[int, bytes | None]], limits: Limits, classifier: Classifier,
    topic: str, partition: int, now_ms: int, *, fast: bool = True,
) -> PreparedBatch:
    """Decode ``(offset, value)`` messages (ascending offsets) and classify the valid posts.

    With the native module (and ``fast``), each value is parsed once with orjson and
    :func:`native.post_checker` confirms the plainly valid ones in one call; every other
    message, and every message without the module, goes through
    :func:`~deinfluence.schemas.post.decode_message`. Both give the same posts, event times
    and dead letters (``tests/schemas/test_native_decode.py``).
    """
    posts: list[dict[str, Any]] = []
    where: list[tuple[int, int]] = []
    dead: list[dict[str, Any]] = []
    checker = native.post_checker(limits) if fast else None
    if checker is None:
        for offset, value in messages:
            _decode_one(offset, value, limits, topic, partition, now_ms, posts, where, dead)
    else:
        values = [value for _, value in messages]
        docs = _loads_all(values)
        for (offset, value), doc, ts in zip(messages, docs, checker.check(values, docs, now_ms),
                                            strict=True):
            if ts is None:
                _decode_one(offset, value, limits, topic, partition, now_ms, posts, where, dead)
            elif ts.__class__ is int:
                posts.append(doc)
                where.append((offset * SLOTS, ts))
            else:
                base = offset * SLOTS
                posts.extend(doc)
                where.extend((base + index, t) for index, t in enumerate(ts))
    classified = classifier.classify_batch(posts) if posts else []
    items = [Item(pos, post, ts) for (pos, ts), post in zip(where, classified, strict=True)]
    through = last_position(messages[-1][0]) if messages else -1
    return PreparedBatch(items, dead, through, len(messages))


def _decode_one(
    offset: int, value: bytes | None, limits: Limits, topic: str, partition: int, now_ms: int,
    posts: list[dict[str, Any]], where: list[tuple[int, int]], dead: list[dict[str, Any]],
) -> None:
    dec = decode_message(value, limits, now_ms)
    if dec.errors:
        dead.extend(deadletter_records(dec.errors, value, topic, partition, offset, now_ms))
    for post, ts, index in zip(dec.posts, dec.event_ms, dec.indexes, strict=True):
        posts.append(post)
        where.append((position(offset, index), ts))


def _loads_all(values: list[bytes | None]) -> list[Any]:
    """orjson's document of each value; ``None`` where it fails (the decoder says why)."""
    docs: list[Any] = []
    append, loads = docs.append, orjson.loads
    for value in values:
        try:
            append(loads(value))  # type: ignore[arg-type]
        except orjson.JSONDecodeError:  # also None (a tombstone) and a BOM
            append(None)
    return docs


def late_deadletter(item: Item, topic: str, partition: int, now_ms: int) -> dict[str, Any]:
    """Dead-letter record of a post too late for its window's retained state."""
    import orjson  # local: only on the rare late path

    offset, index = split_position(item.offset)
    raw = {k: v for k, v in item.post.items() if k in _RAW_FIELDS}
    record = deadletter_record(
        "late", "event older than its window's retention (watermark passed long ago)",
        orjson.dumps(raw), topic, partition, offset, index, now_ms)
    record["post_id"] = item.post.get("post_id")
    return record


_RAW_FIELDS = frozenset({
    "post_id", "platform", "created_at", "text", "lang", "author", "hashtags", "metrics", "url",
})
