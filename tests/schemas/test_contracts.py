"""Records the pipeline builds validate against the JSON Schemas published for downstream teams."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from jsonschema import Draft202012Validator

from deinfluence.processors.classify import RuleClassifier
from deinfluence.processors.pipeline import Backfill, PipelineConfig
from deinfluence.schemas import aggregate
from deinfluence.schemas.post import Limits, decode_message

SCHEMAS = Path(aggregate.__file__).parent / "json"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def backfilled(dev_set):
    lines = dev_set.read_bytes().splitlines()
    engine = Backfill(PipelineConfig.parse("5m,1h/15m"), RuleClassifier())
    engine.feed(lines + [b"not json", b'{"post_id": "a"}', b"[]", b"\xff\xfe"])
    return engine.finish()


def test_every_aggregate_matches_its_schema_and_round_trips(backfilled):
    v = validator("aggregate.v1.schema.json")
    assert backfilled.aggregates
    for record in backfilled.aggregates:
        v.validate(record)
        assert aggregate.from_json(aggregate.to_json(record)) == record


def test_every_deadletter_matches_its_schema(backfilled):
    v = validator("deadletter.v1.schema.json")
    reasons = {d["reason"] for d in backfilled.deadletters}
    assert reasons == {"not_json", "missing_field", "empty_envelope", "not_utf8"}
    for record in backfilled.deadletters:
        v.validate(record)


def test_decoder_and_json_schema_agree_on_the_dev_set(dev_set):
    v = validator("post.v1.schema.json")
    for line in dev_set.read_bytes().splitlines():
        post = orjson.loads(line)
        v.validate(post)
        assert len(decode_message(line, Limits(), now_ms=4_000_000_000_000).posts) == 1
