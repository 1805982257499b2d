"""``deinfluence.classified.v1``: round trip, JSON Schema agreement, rejection of bad records."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from deinfluence.errors import ValidationError
from deinfluence.processors.classify import RuleClassifier
from deinfluence.schemas.classified import CLASSIFIED_FIELDS, SCHEMA_NAME, from_json, to_json

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas/json/classified.v1.schema.json").read_text()
)
POST = {
    "post_id": "p1",
    "platform": "tiktok",
    "created_at": "2026-11-01T10:00:00Z",
    "text": "Skip the Stanley, get the Owala instead #deinfluencing",
    "lang": "en",
    "metrics": {"views": 10},
    "extra": {"kept": True},
}


@pytest.fixture(scope="module")
def classified() -> dict:
    return RuleClassifier().classify_batch([POST])[0]


def test_round_trip(classified: dict) -> None:
    assert from_json(to_json(classified)) == classified


def test_matches_published_schema(classified: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(json.loads(to_json(classified)), SCHEMA)
    assert SCHEMA["title"] == SCHEMA_NAME
    assert set(CLASSIFIED_FIELDS) <= set(SCHEMA["required"])


def test_unknown_fields_kept(classified: dict) -> None:
    assert classified["extra"] == {"kept": True}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("stance", "angry"),
        ("targets", {"x": "maybe"}),
        ("sponsored", "yes"),
        ("reasons", ["vibes"]),
        ("confidence", 1.5),
        ("confidence", True),
        ("brands", "stanley"),
        ("lang", None),
    ],
)
def test_rejects_bad_values(classified: dict, field: str, value: object) -> None:
    bad = {**classified, field: value}
    with pytest.raises(ValidationError):
        from_json(to_json(bad))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(to_json(bad)), SCHEMA)


def test_rejects_missing_field(classified: dict) -> None:
    bad = {k: v for k, v in classified.items() if k != "cues"}
    with pytest.raises(ValidationError):
        from_json(to_json(bad))
