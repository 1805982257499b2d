"""Topic names (CONTRACT.md section 3), the project's internal topics, and how they are made.

Every module names topics through these constants, never through string literals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

RAW = "posts.raw"
"""Raw post events (``deinfluence.post.v1``), one object or a batch envelope per message."""
CLASSIFIED = "posts.classified"
"""Classified posts, key ``post_id``."""
DEADLETTER = "posts.deadletter"
"""Malformed input with reason and source topic/partition/offset."""
AGGREGATES = "deinfluence.aggregates"
"""Windowed roll-ups (``deinfluence.aggregate.v1``), compacted: the latest per window wins."""
TRENDS = "deinfluence.trends"
"""Detected trends (``deinfluence.trend.v1``)."""
ROUTED = "deinfluence.routed"
"""Internal: classify -> combine, posts routed by post_id."""
PARTIALS = "deinfluence.partials"
"""Internal: combine -> roll-up, routed by key_type|key."""

PUBLIC = (RAW, CLASSIFIED, DEADLETTER, AGGREGATES, TRENDS)
INTERNAL = (ROUTED, PARTIALS)
ALL = (*PUBLIC, *INTERNAL)
COMPACTED = frozenset({AGGREGATES})


@dataclass(frozen=True)
class TopicSpec:
    """A topic to create: name, partitions, replication factor and topic-level configs."""

    name: str
    partitions: int
    replication_factor: int
    config: Mapping[str, str] = field(default_factory=dict)


def project_topics(partitions: int, replication_factor: int) -> list[TopicSpec]:
    """Every topic the pipeline needs (:data:`ALL`), all with ``partitions`` partitions.

    The internal topics have as many partitions as ``posts.raw``: tables are
    co-partitioned with their source topics, and the worker refuses to start otherwise.
    """
    compacted = {"cleanup.policy": "compact"}
    return [
        TopicSpec(name, partitions, replication_factor, compacted if name in COMPACTED else {})
        for name in ALL
    ]
