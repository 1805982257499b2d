"""``deinfluence.classified.v1``: a raw post plus what the classifier found (``posts.classified``).

The record is the input post (all its fields, unknown ones included) with ``stance``,
``targets``, ``sponsored``, ``reasons``, ``brands``, ``hashtags``, ``lang``,
``confidence`` and ``cues`` added. ``schemas/json/classified.v1.schema.json`` is the
published JSON Schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from deinfluence.errors import ValidationError
from deinfluence.schemas import CLASSIFIED_SCHEMA

SCHEMA_NAME = CLASSIFIED_SCHEMA
STANCES = frozenset({"deinfluencing", "promoting", "neutral"})
REASONS = ("price", "quality", "hype", "sustainability", "ethics", "health", "redundancy")
CLASSIFIED_FIELDS = (
    "stance",
    "targets",
    "sponsored",
    "reasons",
    "brands",
    "hashtags",
    "lang",
    "confidence",
    "cues",
)


def to_json(classified: Mapping[str, Any]) -> bytes:
    """Serialise a classified post as compact UTF-8 JSON (one line, no trailing newline)."""
    return orjson.dumps(classified, option=orjson.OPT_NON_STR_KEYS)


def from_json(value: bytes | str) -> dict[str, Any]:
    """Parse and check a classified post.

    Raises:
        ValidationError: not JSON, or not a valid ``deinfluence.classified.v1`` record.
    """
    try:
        doc = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise ValidationError("not_json", f"not JSON: {exc}") from exc
    validate_classified(doc)
    return doc


def validate_classified(doc: Any) -> None:
    """Check the fields the classifier adds (the raw-post part is checked by ``schemas.post``)."""
    if not isinstance(doc, dict):
        raise ValidationError("not_an_object", "a classified post is a JSON object")
    missing = [f for f in CLASSIFIED_FIELDS if f not in doc]
    if missing:
        raise ValidationError("missing_field", f"classified post lacks {', '.join(missing)}")
    if doc["stance"] not in STANCES:
        raise ValidationError(
            "invalid_field", f"stance {doc['stance']!r} is not one of {sorted(STANCES)}"
        )
    targets = doc["targets"]
    if not isinstance(targets, dict) or any(v not in STANCES for v in targets.values()):
        raise ValidationError("invalid_field", "targets must map brand ids to stances")
    if not isinstance(doc["sponsored"], bool):
        raise ValidationError("wrong_type", "sponsored must be a boolean")
    reasons = doc["reasons"]
    if not isinstance(reasons, list) or any(r not in REASONS for r in reasons):
        raise ValidationError("invalid_field", f"reasons must be a subset of {REASONS}")
    for name in ("brands", "hashtags", "cues"):
        if not isinstance(doc[name], list) or not all(isinstance(x, str) for x in doc[name]):
            raise ValidationError("wrong_type", f"{name} must be an array of strings")
    if not isinstance(doc["lang"], str):
        raise ValidationError("wrong_type", "lang must be a string")
    conf = doc["confidence"]
    if isinstance(conf, bool) or not isinstance(conf, int | float) or not 0 <= conf <= 1:
        raise ValidationError("invalid_field", "confidence must be a number in [0, 1]")
