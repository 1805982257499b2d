"""Wire formats of the internal topics.

``deinfluence.routed``: one message per (raw batch, combine partition) with the batch's
posts whose ``post_id`` maps to that partition. ``deinfluence.partials``: one message per
(combine batch, roll-up partition) with the cumulative pane counts of the keys it owns.
Every batch sends a message to *every* partition of the next topic, even an empty one,
so each downstream partition learns every upstream watermark.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import orjson

from deinfluence.processors.combine import RoutedBatch
from deinfluence.processors.rollup import SourceReport
from deinfluence.schemas import PARTIAL_SCHEMA

ROUTED_SCHEMA = "deinfluence.routed.v1"


def partition_for(key: str, partitions: int) -> int:
    """Partition of a post_id or a ``key_type|key`` (stable across processes and restarts)."""
    return zlib.crc32(key.encode()) % partitions


def encode_routed(source: int, watermark: int | None, idle: bool, sources: int,
                  posts: Sequence[tuple[int, dict[str, Any]]]) -> bytes:
    return orjson.dumps({"schema": ROUTED_SCHEMA, "source": source, "watermark": watermark,
                         "idle": idle, "sources": sources, "posts": posts})


MAX_ROUTED_BYTES = 900_000  # under the broker's default message.max.bytes (1 MiB)


def encode_routed_split(source: int, watermark: int | None, idle: bool, sources: int,
                        posts: Sequence[tuple[int, dict[str, Any]]],
                        max_bytes: int = MAX_ROUTED_BYTES) -> list[bytes]:
    """``encode_routed``, split into as many messages as it takes to keep each under
    ``max_bytes`` (a batch of envelopes can route far more than one message holds). Every
    part carries the batch's watermark; the combine stage counts each post once, wherever
    it sits. A single post larger than ``max_bytes`` goes alone (the broker decides)."""
    value = encode_routed(source, watermark, idle, sources, posts)
    if len(value) <= max_bytes or len(posts) <= 1:
        return [value]
    half = len(posts) // 2
    return (encode_routed_split(source, watermark, idle, sources, posts[:half], max_bytes)
            + encode_routed_split(source, watermark, idle, sources, posts[half:], max_bytes))


def decode_routed(offset: int, value: bytes) -> RoutedBatch:
    doc: dict[str, Any] = orjson.loads(value)
    # the posts stay orjson's ``[event_ms, post]`` lists: they unpack like the tuples sent
    return RoutedBatch(offset, doc["source"], doc["watermark"], doc["idle"], doc["sources"],
                       doc["posts"])


def route_posts(posts: Sequence[tuple[int, dict[str, Any]]], partitions: int) -> list[list[Any]]:
    """Posts grouped by the combine partition of their ``post_id``."""
    parts: list[list[Any]] = [[] for _ in range(partitions)]
    for event_ms, post in posts:
        parts[partition_for(post["post_id"], partitions)].append((event_ms, post))
    return parts


def encode_report(report: SourceReport) -> bytes:
    return orjson.dumps({
        "schema": PARTIAL_SCHEMA, "source": report.source, "through": report.through,
        "watermark": report.watermark, "idle": report.idle, "sources": report.sources,
        "partials": report.partials,
    })


def decode_report(value: bytes) -> SourceReport:
    doc: dict[str, Any] = orjson.loads(value)
    return SourceReport(
        doc["source"], doc["through"], doc["watermark"], doc["idle"], doc["sources"],
        [(k, pane, counts) for k, pane, counts in doc["partials"]],
    )


def split_report(report: SourceReport, partitions: int) -> list[SourceReport]:
    """One report per roll-up partition, each with the partials of the keys it owns."""
    parts: list[list[tuple[str, int, Any]]] = [[] for _ in range(partitions)]
    for partial in report.partials:
        parts[partition_for(partial[0], partitions)].append(partial)
    return [
        SourceReport(report.source, report.through, report.watermark, report.idle,
                     report.sources, parts[r])
        for r in range(partitions)
    ]
