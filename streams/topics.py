"""The project's topic names and how ``deinfluence topics create`` makes them.

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
PARTIALS = "deinfluence.partials"
"""Internal: cumulative per-source-partition pane counts between ingest and roll-up."""

PUBLIC = (RAW, CLASSIFIED, DEADLETTER, AGGREGATES, TRENDS)


@dataclass(frozen=True)
class TopicSpec:
    """A topic to create: name, partitions, replication factor and topic-level configs."""

    name: str
    partitions: int
    replication_factor: int
    config: Mapping[str, str] = field(default_factory=dict)


def project_topics(partitions: int, replication_factor: int) -> list[TopicSpec]:
    """The topics the pipeline needs, all with ``partitions`` partitions.

    ``deinfluence.partials`` has as many partitions as ``posts.raw``: the roll-up keeps one
    cumulative value per source partition, so both sides must agree on that count.
    """
    compacted = {"cleanup.policy": "compact"}
    names = (RAW, CLASSIFIED, DEADLETTER, AGGREGATES, TRENDS, PARTIALS)
    return [
        TopicSpec(name, partitions, replication_factor, compacted if name == AGGREGATES else {})
        for name in names
    ]
