"""Every kind of bad input issue #8 lists gets its exact dead-letter reason; the rest flows on.

Two shapes of case:

- a bad *post*: rejected alone, at its index, when it sits in an envelope between two valid
  posts, which still pass;
- a bad *message* (not UTF-8, not JSON, too large, too deep, ...): nothing in it can be read,
  so the whole message is dead-lettered and the next message of the partition still passes.

Each dead-letter record must validate against ``deadletter.v1.schema.json`` and point back to
its source topic, partition, offset and index, with the original bytes or their sha256.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from deinfluence.processors.batch import prepare_batch
from deinfluence.processors.classify import RuleClassifier
from deinfluence.processors.eventtime import last_position
from deinfluence.schemas import post as post_module
from deinfluence.schemas.deadletter import MAX_EMBEDDED_BYTES, REASONS
from deinfluence.schemas.post import Limits, decode_message

NOW_MS = 1_795_305_600_000  # 2026-11-22T00:00:00Z
LIMITS = Limits()
SCHEMAS = Path(post_module.__file__).parent / "json"


def good(post_id: str = "ok", **fields: Any) -> dict[str, Any]:
    post = {"post_id": post_id, "platform": "tiktok", "created_at": "2026-11-21T10:00:00Z",
            "text": "don't buy the Stanley #deinfluencing"}
    post.update(fields)
    return post


def raw(post: dict[str, Any]) -> bytes:
    return orjson.dumps(post)


def without(name: str) -> bytes:
    return raw({k: v for k, v in good().items() if k != name})


def nested(depth: int) -> bytes:
    return raw(good(extra=0)).replace(b'"extra":0', b'"extra":' + b"[" * (depth - 1) + b"]" * (depth - 1))


BAD_POSTS: list[tuple[str, bytes, str]] = [
    # missing fields: each required one
    *[(f"missing-{name}", without(name), "missing_field")
      for name in ("post_id", "platform", "created_at", "text")],
    # wrongly typed fields (bool where an int is expected included)
    ("post_id-int", raw(good(post_id=7)), "wrong_type"),
    ("post_id-null", raw(good(post_id=None)), "wrong_type"),
    ("platform-int", raw(good(platform=3)), "wrong_type"),
    ("platform-list", raw(good(platform=["x"])), "wrong_type"),  # unhashable: used to raise
    ("platform-unknown", raw(good(platform="myspace")), "invalid_field"),
    ("created_at-int", raw(good(created_at=1_793_491_200)), "wrong_type"),
    ("created_at-null", raw(good(created_at=None)), "wrong_type"),
    ("text-int", raw(good(text=5)), "wrong_type"),
    ("text-null", raw(good(text=None)), "wrong_type"),
    ("text-list", raw(good(text=["a"])), "wrong_type"),
    ("lang-int", raw(good(lang=5)), "wrong_type"),
    ("url-object", raw(good(url={"href": "x"})), "wrong_type"),
    ("author-string", raw(good(author="someone")), "wrong_type"),
    ("author-id-int", raw(good(author={"id": 5})), "wrong_type"),
    ("followers-string", raw(good(author={"id": "a", "followers": "12"})), "invalid_field"),
    ("followers-bool", raw(good(author={"id": "a", "followers": True})), "invalid_field"),
    ("hashtags-string", raw(good(hashtags="#a #b")), "wrong_type"),
    ("hashtags-ints", raw(good(hashtags=[1, 2])), "wrong_type"),
    ("metrics-list", raw(good(metrics=[1, 2])), "wrong_type"),
    ("views-bool", raw(good(metrics={"views": True})), "invalid_field"),
    ("views-string", raw(good(metrics={"views": "10"})), "invalid_field"),
    # negative and fractional metrics and followers
    ("views-negative", raw(good(metrics={"views": -1})), "invalid_field"),
    ("likes-fraction", raw(good(metrics={"likes": 1.5})), "invalid_field"),
    ("shares-negative-float", raw(good(metrics={"shares": -2.0})), "invalid_field"),
    ("followers-negative", raw(good(author={"id": "a", "followers": -3})), "invalid_field"),
    ("followers-fraction", raw(good(author={"id": "a", "followers": 0.5})), "invalid_field"),
    # invalid and absurd timestamps
    ("ts-words", raw(good(created_at="yesterday")), "invalid_timestamp"),
    ("ts-no-offset", raw(good(created_at="2026-11-21T10:00:00")), "invalid_timestamp"),
    ("ts-date-only", raw(good(created_at="2026-11-21")), "invalid_timestamp"),
    ("ts-space", raw(good(created_at="2026-11-21 10:00:00Z")), "invalid_timestamp"),
    ("ts-no-seconds", raw(good(created_at="2026-11-21T10:00Z")), "invalid_timestamp"),
    ("ts-iso-basic", raw(good(created_at="20261121T100000Z")), "invalid_timestamp"),
    ("ts-iso-week", raw(good(created_at="2026-W47-6T10:00:00Z")), "invalid_timestamp"),
    ("ts-hour-offset", raw(good(created_at="2026-11-21T10:00:00+01")), "invalid_timestamp"),
    ("ts-arabic-digits", raw(good(created_at="٢٠٢٦-11-21T10:00:00Z")), "invalid_timestamp"),
    ("ts-month-13", raw(good(created_at="2026-13-21T10:00:00Z")), "invalid_timestamp"),
    ("ts-offset-24h", raw(good(created_at="2026-11-21T10:00:00+24:00")), "invalid_timestamp"),
    ("ts-year-0", raw(good(created_at="0000-01-01T00:00:00Z")), "invalid_timestamp"),
    ("ts-overlong", raw(good(created_at="2026-11-21T10:00:00." + "0" * 60 + "Z")), "invalid_timestamp"),
    ("ts-year-9999", raw(good(created_at="9999-12-31T23:59:59Z")), "timestamp_out_of_range"),
    ("ts-far-future", raw(good(created_at="2027-01-01T00:00:00Z")), "timestamp_out_of_range"),
    ("ts-before-2004", raw(good(created_at="2003-12-31T23:59:59Z")), "timestamp_out_of_range"),
    ("ts-year-1", raw(good(created_at="0001-01-01T00:00:00+23:59")), "timestamp_out_of_range"),
    # sizes
    ("post_id-5000-chars", raw(good(post_id="p" * 5000)), "invalid_field"),
    ("post_id-empty", raw(good(post_id="")), "invalid_field"),
    ("text-over-limit", raw(good(text="a" * (LIMITS.max_text_chars + 1))), "too_large"),
    # duplicate keys, at the top level or nested, equal or not, hidden behind an escaped colon
    ("dup-post_id", raw(good()).replace(b"{", b'{"post_id":"evil",', 1), "duplicate_key"),
    ("dup-same-value", raw(good()).replace(b"{", b'{"post_id":"ok",', 1), "duplicate_key"),
    ("dup-nested", raw(good(author={"id": "a"})).replace(b'{"id"', b'{"id":"b","id"'), "duplicate_key"),
    ("dup-escaped-colon", raw(good(text="a\\u003ab")).replace(b"\\\\u003a", b"\\u003a")
     .replace(b"{", b'{"text":"x",', 1), "duplicate_key"),
    # not an object, inside an envelope
    ("item-number", b"42", "not_an_object"),
    ("item-string", b'"post"', "not_an_object"),
    ("item-null", b"null", "not_an_object"),
    ("item-true", b"true", "not_an_object"),
]

BAD_MESSAGES: list[tuple[str, bytes | None, str]] = [
    ("tombstone", None, "empty_message"),
    ("empty-bytes", b"", "not_json"),
    # not UTF-8
    ("latin1", raw(good(text="café")).replace("é".encode(), "é".encode("latin-1")), "not_utf8"),
    ("invalid-byte", b'{"post_id":"\xff"}', "not_utf8"),
    ("encoded-surrogate", raw(good()).replace(b"don't", b"\xed\xa0\x80"), "not_utf8"),
    ("utf16", json.dumps(good()).encode("utf-16"), "not_utf8"),
    # not JSON
    ("words", b"hello world", "not_json"),
    ("truncated", raw(good())[:-5], "not_json"),
    ("python-repr", repr(good()).encode(), "not_json"),
    ("trailing-garbage", raw(good()) + b" x", "not_json"),
    ("two-documents", raw(good()) + b"\n" + raw(good()), "not_json"),
    ("nan-metric", raw(good(metrics={"views": 0})).replace(b'"views":0', b'"views":NaN'), "not_json"),
    ("infinity-metric", raw(good(metrics={"views": 0})).replace(b'"views":0', b'"views":Infinity'), "not_json"),
    ("overflow-metric", raw(good(metrics={"views": 0})).replace(b'"views":0', b'"views":1e400'), "not_json"),
    ("raw-control-char", raw(good()).replace(b"don't", b"don\x01t"), "not_json"),
    ("raw-newline-in-string", raw(good()).replace(b"don't", b"don\nt"), "not_json"),
    ("double-bom", b"\xef\xbb\xbf\xef\xbb\xbf" + raw(good()), "not_json"),
    # a lone surrogate escape is valid JSON grammar but no Unicode text
    ("lone-high-surrogate", raw(good()).replace(b"don't", b"don\\ud83dt"), "invalid_unicode"),
    ("lone-low-surrogate", raw(good()).replace(b"don't", b"don\\ude00t"), "invalid_unicode"),
    # JSON that is not an object
    ("number", b"42", "not_an_object"),
    ("float", b"-1.5e3", "not_an_object"),
    ("string", b'"a post"', "not_an_object"),
    ("null", b"null", "not_an_object"),
    ("true", b"true", "not_an_object"),
    # arrays that are not a batch of posts
    ("empty-array", b"[]", "empty_envelope"),
    ("envelope-over-limit", orjson.dumps([good(f"p{i}") for i in range(LIMITS.max_envelope_posts + 1)]),
     "envelope_too_large"),
    # deeply nested and huge
    ("depth-over-limit", nested(LIMITS.max_json_depth + 1), "too_deep"),
    ("depth-over-orjson-limit", nested(5000), "too_deep"),
    ("deep-array", b"[" * 100 + b"]" * 100, "too_deep"),
    ("huge", raw(good(text="a" * LIMITS.max_message_bytes)), "too_large"),
]


@pytest.fixture(scope="module")
def classifier() -> RuleClassifier:
    return RuleClassifier()


@pytest.fixture(scope="module")
def deadletter_schema() -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / "deadletter.v1.schema.json").read_text()))


def check_deadletter(
    record: dict[str, Any], validator: Draft202012Validator, original: bytes | None,
    offset: int, index: int | None,
) -> None:
    validator.validate(record)
    assert record["reason"] in REASONS
    assert record["source"] == {"topic": "posts.raw", "partition": 3, "offset": offset, "index": index}
    data = original or b""
    assert record["original_sha256"] == hashlib.sha256(data).hexdigest()
    assert record["original_bytes"] == len(data)
    if len(data) > MAX_EMBEDDED_BYTES:
        assert record["truncated"] and record["original"] is None and record["original_b64"] is None
    elif original is None:  # a tombstone has no bytes to embed
        assert record["original"] is None and record["original_b64"] is None
    elif record["original"] is not None:
        assert record["original"].encode() == data
    else:
        assert base64.b64decode(record["original_b64"]) == data


def test_valid_posts_pass() -> None:
    """The baseline every case is a mutation of."""
    decoded = decode_message(raw(good()), LIMITS, NOW_MS)
    assert decoded.errors == [] and decoded.posts == [good()]


@pytest.mark.parametrize(("item", "reason"), [c[1:] for c in BAD_POSTS], ids=[c[0] for c in BAD_POSTS])
def test_bad_post_alone(item: bytes, reason: str) -> None:
    decoded = decode_message(item, LIMITS, NOW_MS)
    assert [(e.reason, e.index) for e in decoded.errors] == [(reason, None)]
    assert decoded.posts == []


@pytest.mark.parametrize(("item", "reason"), [c[1:] for c in BAD_POSTS], ids=[c[0] for c in BAD_POSTS])
def test_bad_post_in_an_envelope_spares_its_siblings(
    item: bytes, reason: str, classifier: RuleClassifier, deadletter_schema: Draft202012Validator,
) -> None:
    message = b"[" + raw(good("first")) + b"," + item + b"," + raw(good("third")) + b"]"
    decoded = decode_message(message, LIMITS, NOW_MS)
    assert [(e.reason, e.index) for e in decoded.errors] == [(reason, 1)]
    assert [p["post_id"] for p in decoded.posts] == ["first", "third"]
    assert decoded.indexes == [0, 2]
    batch = prepare_batch([(41, message)], LIMITS, classifier, "posts.raw", 3, NOW_MS)
    assert [it.post["post_id"] for it in batch.items] == ["first", "third"]
    (record,) = batch.deadletters
    assert record["reason"] == reason
    check_deadletter(record, deadletter_schema, message, 41, 1)


@pytest.mark.parametrize(
    ("message", "reason"), [c[1:] for c in BAD_MESSAGES], ids=[c[0] for c in BAD_MESSAGES])
def test_bad_message_is_dead_lettered_and_the_partition_moves_on(
    message: bytes | None, reason: str, classifier: RuleClassifier,
    deadletter_schema: Draft202012Validator,
) -> None:
    decoded = decode_message(message, LIMITS, NOW_MS)
    assert [(e.reason, e.index) for e in decoded.errors] == [(reason, None)]
    assert decoded.posts == []
    batch = prepare_batch(
        [(7, message), (8, raw(good("next")))], LIMITS, classifier, "posts.raw", 3, NOW_MS)
    assert [it.post["post_id"] for it in batch.items] == ["next"]
    assert batch.through == last_position(8) and batch.messages == 2
    (record,) = batch.deadletters
    assert record["reason"] == reason
    check_deadletter(record, deadletter_schema, message, 7, None)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (b"[1, 2, 3]", [0, 1, 2]),
        (b"[[1], [2]]", [0, 1]),
        (b"[" + raw(good("a")) + b", [" + raw(good("b")) + b"]]", [1]),
        (b'["a", null, ' + raw(good("c")) + b"]", [0, 1]),
    ],
    ids=["numbers", "nested-arrays", "nested-post", "mixed"],
)
def test_array_that_is_not_a_batch_of_posts(message: bytes, expected: list[int]) -> None:
    decoded = decode_message(message, LIMITS, NOW_MS)
    assert [(e.reason, e.index) for e in decoded.errors] == [("not_an_object", i) for i in expected]
    assert all(isinstance(p, dict) for p in decoded.posts)


def test_envelope_limit_is_configurable() -> None:
    message = orjson.dumps([good("a"), good("b"), good("c")])
    assert [e.reason for e in decode_message(message, Limits(max_envelope_posts=2), NOW_MS).errors] == [
        "envelope_too_large"]
    assert len(decode_message(message, Limits(max_envelope_posts=3), NOW_MS).posts) == 3


def test_depth_limit_is_configurable_and_exact() -> None:
    assert decode_message(nested(LIMITS.max_json_depth), LIMITS, NOW_MS).errors == []
    deeper = Limits(max_json_depth=40)
    assert decode_message(nested(LIMITS.max_json_depth + 1), deeper, NOW_MS).errors == []


def test_message_size_limit_is_exact() -> None:
    value = raw(good())
    assert decode_message(value, Limits(max_message_bytes=len(value)), NOW_MS).errors == []
    errors = decode_message(value, Limits(max_message_bytes=len(value) - 1), NOW_MS).errors
    assert [e.reason for e in errors] == ["too_large"]


def test_text_limit_is_exact() -> None:
    value = raw(good(text="é" * 10))
    assert decode_message(value, Limits(max_text_chars=10), NOW_MS).errors == []
    assert [e.reason for e in decode_message(value, Limits(max_text_chars=9), NOW_MS).errors] == [
        "too_large"]


@pytest.mark.parametrize(
    "message",
    [
        b"\xef\xbb\xbf" + raw(good()),
        b"\xef\xbb\xbf" + orjson.dumps([good(), good("two")]),
        b"\xef\xbb\xbf  \n" + raw(good()),
    ],
    ids=["object", "envelope", "whitespace"],
)
def test_utf8_bom_is_ignored(message: bytes) -> None:
    """RFC 8259 section 8.1: a parser may ignore a byte order mark; producers on Windows add one."""
    decoded = decode_message(message, LIMITS, NOW_MS)
    assert decoded.errors == [] and decoded.posts[0] == good()


@pytest.mark.parametrize(
    ("text_json", "text"),
    [
        (b'"\\u0000\\u0007\\u001b[31m\\t\\r\\n"', "\x00\x07\x1b[31m\t\r\n"),
        (b'"\\ud83d\\ude00 don\'t"', "😀 don't"),
        (b'"a\\u003ab \\/ \\"q\\""', 'a:b / "q"'),
        ('"\u202edon\'t buy\u202c \u2028 \ufeff"'.encode(), "\u202edon't buy\u202c \u2028 \ufeff"),
    ],
    ids=["escaped-control-chars", "surrogate-pair", "escapes", "bidi-and-separators"],
)
def test_escaped_odd_text_is_accepted(text_json: bytes, text: str) -> None:
    message = raw(good(text="PLACEHOLDER")).replace(b'"PLACEHOLDER"', text_json)
    decoded = decode_message(message, LIMITS, NOW_MS)
    assert decoded.errors == [] and decoded.posts[0]["text"] == text


@pytest.mark.parametrize(
    ("created_at", "iso"),
    [
        ("2026-11-21T10:00:00Z", "2026-11-21T10:00:00+00:00"),
        ("2026-11-21t10:00:00z", "2026-11-21T10:00:00+00:00"),
        ("2026-11-21T11:30:00.5+01:30", "2026-11-21T10:00:00.5+00:00"),
        ("2026-11-21T10:00:00.123456789Z", "2026-11-21T10:00:00.123456+00:00"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59+00:00"),
    ],
    ids=["z", "lowercase", "offset-fraction", "nanoseconds", "leap-second"],
)
def test_rfc3339_timestamps_are_accepted(created_at: str, iso: str) -> None:
    from datetime import datetime

    decoded = decode_message(raw(good(created_at=created_at)), LIMITS, NOW_MS)
    assert decoded.errors == []
    assert decoded.event_ms == [int(datetime.fromisoformat(iso).timestamp() * 1000)]


def test_null_optional_fields_count_as_absent() -> None:
    post = good(lang=None, url=None, author=None, hashtags=None, metrics=None)
    assert decode_message(raw(post), LIMITS, NOW_MS).posts == [post]


def test_integral_floats_and_big_counts_are_tolerated() -> None:
    post = good(metrics={"views": 12.0, "likes": 18446744073709551615}, author={"id": "a", "followers": 0})
    assert decode_message(raw(post), LIMITS, NOW_MS).errors == []


def test_every_dead_letter_reason_is_in_the_published_schema() -> None:
    schema = json.loads((SCHEMAS / "deadletter.v1.schema.json").read_text())
    described = schema["properties"]["reason"]["description"].split(":", 1)[1]
    assert {r.strip() for r in described.split(",")} == REASONS
    tested = {c[2] for c in BAD_POSTS} | {c[2] for c in BAD_MESSAGES}
    assert tested == REASONS - {"late"}


def test_many_bad_posts_in_one_large_envelope_hash_the_message_once(
    classifier: RuleClassifier,
) -> None:
    """A poison envelope near the size limit must not stall the partition."""
    import time

    message = orjson.dumps(["x" * 1000] * LIMITS.max_envelope_posts)
    assert MAX_EMBEDDED_BYTES < len(message) <= LIMITS.max_message_bytes
    start = time.process_time()
    batch = prepare_batch([(1, message)], LIMITS, classifier, "posts.raw", 3, NOW_MS)
    elapsed = time.process_time() - start
    assert len(batch.deadletters) == LIMITS.max_envelope_posts
    assert {d["original_sha256"] for d in batch.deadletters} == {hashlib.sha256(message).hexdigest()}
    assert elapsed < 0.5, f"{elapsed:.2f}s of CPU for one poison envelope"
