"""Topic names (CONTRACT.md section 3) and the project's internal topics."""

RAW = "posts.raw"
CLASSIFIED = "posts.classified"
DEADLETTER = "posts.deadletter"
AGGREGATES = "deinfluence.aggregates"
TRENDS = "deinfluence.trends"
PARTIALS = "deinfluence.partials"  # internal: ingest -> roll-up, keyed by key_type|key

PUBLIC = (RAW, CLASSIFIED, DEADLETTER, AGGREGATES, TRENDS)
ALL = (*PUBLIC, PARTIALS)
COMPACTED = frozenset({AGGREGATES})
