"""``deinfluence.aggregate.v1``: per key and window counts on ``deinfluence.aggregates``.

Records are built by :func:`deinfluence.processors.records.aggregate_record`; this module
is the contract side: schema name, Kafka key and serialisation.
"""

from __future__ import annotations

from typing import Any

import orjson

from deinfluence.processors.records import AGGREGATE_SCHEMA, aggregate_record

__all__ = ["AGGREGATE_SCHEMA", "aggregate_record", "kafka_key", "to_json", "from_json"]


def kafka_key(record: dict[str, Any]) -> str:
    """``key_type|key|window|window_start``: one compacted slot per key and window."""
    return f"{record['key_type']}|{record['key']}|{record['window']}|{record['window_start']}"


def to_json(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record)


def from_json(value: bytes) -> dict[str, Any]:
    record: dict[str, Any] = orjson.loads(value)
    if record.get("schema") != AGGREGATE_SCHEMA:
        raise ValueError(f"not a {AGGREGATE_SCHEMA} record: {record.get('schema')!r}")
    return record
