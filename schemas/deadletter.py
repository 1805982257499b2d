"""``deinfluence.deadletter.v1``: what ``posts.deadletter`` carries for each rejected record."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterable
from typing import Any

import orjson

from deinfluence.errors import ValidationError
from deinfluence.schemas import DEADLETTER_SCHEMA

MAX_EMBEDDED_BYTES = 65_536  # larger originals are referenced by source position + sha256

REASONS = frozenset({
    # the message as a whole
    "empty_message", "too_large", "not_utf8", "invalid_unicode", "not_json", "too_deep",
    "empty_envelope", "envelope_too_large",
    # one post (of a single-post message, or at ``source.index`` in an envelope)
    "not_an_object", "duplicate_key", "missing_field", "wrong_type", "invalid_field",
    "invalid_timestamp", "timestamp_out_of_range",
    # a valid post whose window state is gone
    "late",
})
"""Every machine-readable ``reason`` a dead-letter record can carry."""


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
    return {
        "schema": DEADLETTER_SCHEMA,
        "reason": reason,
        "detail": detail[:1000],
        "source": {"topic": topic, "partition": partition, "offset": offset, "index": index},
        **_original_fields(original),
        "dead_lettered_at": _rfc3339_now(now_ms),
    }


def deadletter_records(
    errors: Iterable[ValidationError], original: bytes | None, topic: str, partition: int,
    offset: int, now_ms: int | None = None,
) -> list[dict[str, Any]]:
    """One record per error of one message; the original is hashed and encoded only once.

    An envelope of a thousand bad posts near the size limit would otherwise hash a megabyte
    a thousand times.
    """
    fields: dict[str, Any] | None = None
    records = []
    for err in errors:
        fields = _original_fields(original) if fields is None else fields
        records.append({
            "schema": DEADLETTER_SCHEMA,
            "reason": err.reason,
            "detail": err.detail[:1000],
            "source": {"topic": topic, "partition": partition, "offset": offset, "index": err.index},
            **fields,
            "dead_lettered_at": _rfc3339_now(now_ms),
        })
    return records


def _original_fields(original: bytes | None) -> dict[str, Any]:
    raw = original or b""
    fields: dict[str, Any] = {
        "original_bytes": len(raw),
        "original_sha256": hashlib.sha256(raw).hexdigest(),
        "original": None,
        "original_b64": None,
        "truncated": len(raw) > MAX_EMBEDDED_BYTES,
    }
    if original is not None and len(raw) <= MAX_EMBEDDED_BYTES:
        try:
            fields["original"] = raw.decode("utf-8")
        except UnicodeDecodeError:
            fields["original_b64"] = base64.b64encode(raw).decode("ascii")
    return fields


def to_json(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record)


def _rfc3339_now(now_ms: int | None) -> str:
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"
