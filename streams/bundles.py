"""Wire format of ``deinfluence.partials``: one bundle per (source batch, roll-up partition).

Every ingest batch sends a bundle to *every* partials partition, so each roll-up partition
learns every source's watermark even when no key of the batch maps to it.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from deinfluence.processors.rollup import SourceReport
from deinfluence.schemas import PARTIAL_SCHEMA


def partition_for(key: str, partitions: int) -> int:
    """Roll-up partition of a ``key_type|key`` (stable across processes and restarts)."""
    return zlib.crc32(key.encode()) % partitions


def encode(report: SourceReport) -> bytes:
    return orjson.dumps({
        "schema": PARTIAL_SCHEMA, "source": report.source, "through": report.through,
        "watermark": report.watermark, "idle": report.idle, "sources": report.sources,
        "partials": report.partials,
    })


def decode(value: bytes) -> SourceReport:
    doc: dict[str, Any] = orjson.loads(value)
    return SourceReport(
        doc["source"], doc["through"], doc["watermark"], doc["idle"], doc["sources"],
        [(k, pane, counts) for k, pane, counts in doc["partials"]],
    )


def split(report: SourceReport, partitions: int) -> list[SourceReport]:
    """One report per roll-up partition, each with the partials of the keys it owns."""
    parts: list[list[tuple[str, int, Any]]] = [[] for _ in range(partitions)]
    for partial in report.partials:
        parts[partition_for(partial[0], partitions)].append(partial)
    return [
        SourceReport(report.source, report.through, report.watermark, report.idle,
                     report.sources, parts[q])
        for q in range(partitions)
    ]
