"""``deinfluence.deadletter.v1``: what ``posts.deadletter`` carries for each rejected record."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

import orjson

from deinfluence.schemas import DEADLETTER_SCHEMA

MAX_EMBEDDED_BYTES = 65_536  # larger originals are referenced by source position + sha256


def deadletter_record(
    reason: str, detail: str, original: bytes | None, topic: str, partition: int, offset: int,
    index: int | None = None, now_ms: int | None = None,
) -> dict[str, Any]:
    """A dead-letter record; the original bytes are embedded (UTF-8 text or base64) when small.

    Example:
        >>> r = deadletter_record("not_json", "x", b"{oops", "posts.raw", 3, 42)
        >>> r["reason"], r["source"], r["original"]
        ('not_json', {'topic': 'posts.raw', 'partition': 3, 'offset': 42, 'index': None}, '{oops')
    """
    raw = original or b""
    record: dict[str, Any] = {
        "schema": DEADLETTER_SCHEMA,
        "reason": reason,
        "detail": detail[:1000],
        "source": {"topic": topic, "partition": partition, "offset": offset, "index": index},
        "original_bytes": len(raw),
        "original_sha256": hashlib.sha256(raw).hexdigest(),
        "original": None,
        "original_b64": None,
        "truncated": len(raw) > MAX_EMBEDDED_BYTES,
        "dead_lettered_at": _rfc3339_now(now_ms),
    }
    if original is not None and len(raw) <= MAX_EMBEDDED_BYTES:
        try:
            record["original"] = raw.decode("utf-8")
        except UnicodeDecodeError:
            record["original_b64"] = base64.b64encode(raw).decode("ascii")
    return record


def to_json(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record)


def _rfc3339_now(now_ms: int | None) -> str:
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"
