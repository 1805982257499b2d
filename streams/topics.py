"""Topic names (CONTRACT.md section 3) and the project's internal topics."""

RAW = "posts.raw"
CLASSIFIED = "posts.classified"
DEADLETTER = "posts.deadletter"
AGGREGATES = "deinfluence.aggregates"
TRENDS = "deinfluence.trends"
ROUTED = "deinfluence.routed"  # internal: classify -> combine, posts routed by post_id
PARTIALS = "deinfluence.partials"  # internal: combine -> roll-up, routed by key_type|key

PUBLIC = (RAW, CLASSIFIED, DEADLETTER, AGGREGATES, TRENDS)
INTERNAL = (ROUTED, PARTIALS)
ALL = (*PUBLIC, *INTERNAL)
COMPACTED = frozenset({AGGREGATES})
