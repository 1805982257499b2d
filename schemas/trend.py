"""``deinfluence.trend.v1``: one detected de-influencing trend on ``deinfluence.trends``.

Produced by :mod:`deinfluence.processors.trends`; the JSON Schema for downstream teams is
``schemas/json/trend.v1.schema.json``. Key on the topic:
``key_type|key|window_size|window_start|direction`` (a re-published alert lands on the
same key).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from deinfluence.errors import ValidationError

SCHEMA = "deinfluence.trend.v1"
REQUIRED = (
    "schema", "key_type", "key", "window_size", "window_start", "window_end",
    "deinfluencing_rate", "baseline_rate", "score", "posts", "direction", "detected_at",
    "emerging", "evidence",
)
DIRECTIONS = ("up", "down")


def message_key(record: Mapping[str, Any]) -> bytes:
    """Kafka key of a trend record (the same as ``streams.agents.trend_key``)."""
    return "|".join(str(record.get(f)) for f in (
        "key_type", "key", "window_size", "window_start", "direction")).encode()


def to_json(record: Mapping[str, Any]) -> bytes:
    """Serialise a trend record (UTF-8 JSON, keys in insertion order)."""
    return orjson.dumps(record)


def from_json(data: bytes | str) -> dict[str, Any]:
    """Parse and check a trend record; raises :class:`ValidationError` when it is not one."""
    try:
        record = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValidationError("not_json", f"trend record is not JSON: {exc}") from exc
    validate(record)
    return record


def validate(record: Any) -> None:
    """Check the fields every consumer relies on."""
    if not isinstance(record, dict):
        raise ValidationError("not_an_object", "a trend record is a JSON object")
    missing = [name for name in REQUIRED if name not in record]
    if missing:
        raise ValidationError("missing_field", f"trend record misses {', '.join(missing)}")
    if record["schema"] != SCHEMA:
        raise ValidationError("wrong_schema", f"schema {record['schema']!r} is not {SCHEMA}")
    if record["direction"] not in DIRECTIONS:
        raise ValidationError("invalid_field", f"direction {record['direction']!r} not in {DIRECTIONS}")
    if not isinstance(record["evidence"], dict):
        raise ValidationError("wrong_type", "evidence must be an object")
