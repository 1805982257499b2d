"""deinfluence.trend.v1: the model, its JSON Schema file and a round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deinfluence.errors import ValidationError
from deinfluence.schemas import trend

SCHEMA_FILE = Path(trend.__file__).parent / "json" / "trend.v1.schema.json"
RECORD = {
    "schema": trend.SCHEMA, "key_type": "brand", "key": "stanley", "window_size": "1h",
    "window_start": "2026-11-03T02:00:00Z", "window_end": "2026-11-03T03:00:00Z",
    "deinfluencing_rate": 0.4, "baseline_rate": 0.1, "score": 5.2, "posts": 50, "direction": "up",
    "detected_at": "2026-11-03T02:30:00Z", "emerging": False, "evaluation": "progress",
    "evidence": {"posts": 50, "deinfluencing": 20, "baseline_posts": 48.0, "baseline_rate": 0.1},
}


def test_round_trip() -> None:
    assert trend.from_json(trend.to_json(RECORD)) == RECORD
    assert trend.message_key(RECORD) == b"brand|stanley|1h|2026-11-03T02:00:00Z|up"


def test_json_schema_file_matches_the_model() -> None:
    doc = json.loads(SCHEMA_FILE.read_text())
    assert doc["title"] == trend.SCHEMA
    assert set(doc["required"]) == set(trend.REQUIRED)
    assert set(trend.REQUIRED) <= set(doc["properties"])


@pytest.mark.parametrize("broken", [
    {k: v for k, v in RECORD.items() if k != "evidence"},
    dict(RECORD, direction="sideways"),
    dict(RECORD, schema="deinfluence.trend.v0"),
])
def test_invalid_records_are_rejected(broken: dict) -> None:
    with pytest.raises(ValidationError):
        trend.validate(broken)


def test_detector_output_validates_against_the_published_schema() -> None:
    from jsonschema import Draft202012Validator

    from tests.processors.test_trends import DAY, pane_counts, run

    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))
    alerts = run(pane_counts(lambda i: (25.0, 0.5 if i >= 2 * DAY else 0.1), 2 * DAY + 8))
    assert alerts
    for record in [RECORD, *alerts]:
        errors = list(validator.iter_errors(record))
        assert errors == [], errors
