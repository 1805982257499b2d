"""Event contracts: one module per event family, each with a schema name and version.

JSON Schema files for downstream teams live in ``schemas/json/``.
"""

POST_SCHEMA = "deinfluence.post.v1"
CLASSIFIED_SCHEMA = "deinfluence.classified.v1"
AGGREGATE_SCHEMA = "deinfluence.aggregate.v1"
TREND_SCHEMA = "deinfluence.trend.v1"
DEADLETTER_SCHEMA = "deinfluence.deadletter.v1"
PARTIAL_SCHEMA = "deinfluence.partial.v1"
