"""The decoder's native fast path (``native/src/post.rs``) agrees with ``decode_message``.

``PostChecker.check`` may only answer for a message that the Python decoder accepts whole,
and must then give the same event times; it answers ``None`` for everything else, which
``prepare_batch`` hands to the Python decoder. Every test compares the two on the same bytes:
the bad-input corpus, hypothesis's arbitrary, mutated and valid posts, timestamps, and the
generator's and the development set's posts, for which the fast path must actually answer.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deinfluence import benchmark as bm
from deinfluence.processors import native
from deinfluence.processors.batch import _loads_all, prepare_batch
from deinfluence.schemas.post import Limits, decode_message, parse_timestamp_ms
from tests.schemas.test_bad_input import BAD_MESSAGES, BAD_POSTS, good, nested, raw
from tests.schemas.test_fuzz_decoder import (
    FUZZ,
    byte_mutations,
    dumps,
    json_values,
    mutated_posts,
    timestamps,
    valid_posts,
)
from tests.schemas.test_fuzz_decoder import (
    LIMITS as SMALL_LIMITS,
)

NOW_MS = int(time.time() * 1000)  # the generator stamps its posts with the current time
REPO = Path(__file__).resolve().parents[2]
DEFAULT = Limits()

if native.post_checker(Limits()) is None:
    if os.environ.get("CI") == "true":
        pytest.fail("the native module is not installed (make install builds it)", pytrace=False)
    pytest.skip("native module not built (needs cargo; make install)", allow_module_level=True)


class Identity:
    """A classifier that returns copies of its posts: these tests are about decoding."""

    def classify_batch(self, posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [dict(p) for p in posts]


def answers(values: list[bytes | None], limits: Limits = DEFAULT) -> list[Any]:
    return native.post_checker(limits).check(values, _loads_all(values), NOW_MS)


def assert_agrees(values: list[bytes | None], limits: Limits = DEFAULT) -> list[Any]:
    """Wherever the fast path answers, the Python decoder accepts the same posts at the same
    times; and ``prepare_batch`` gives the same items and dead letters either way."""
    got = answers(values, limits)
    for value, answer in zip(values, got, strict=True):
        if answer is None:
            continue
        decoded = decode_message(value, limits, NOW_MS)
        assert decoded.errors == [], value
        if isinstance(answer, int):
            assert decoded.indexes == [None] and decoded.event_ms == [answer], value
        else:
            assert decoded.indexes == list(range(len(answer))) and decoded.event_ms == answer, value
    messages = list(enumerate(values, 100))
    fast = prepare_batch(messages, limits, Identity(), "posts.raw", 2, NOW_MS)
    slow = prepare_batch(messages, limits, Identity(), "posts.raw", 2, NOW_MS, fast=False)
    assert [(i.offset, i.post, i.event_ms) for i in fast.items] == \
        [(i.offset, i.post, i.event_ms) for i in slow.items]
    assert fast.deadletters == slow.deadletters
    assert (fast.through, fast.messages) == (slow.through, slow.messages)
    return got


def test_ordinary_posts_take_the_fast_path() -> None:
    posts = bm.generate_posts(3000)
    singles = [orjson.dumps(p) for p in posts[:2000]]
    envelopes = [orjson.dumps(posts[i:i + 100]) for i in range(2000, 3000, 100)]
    got = assert_agrees(singles + envelopes)
    assert all(isinstance(a, int) for a in got[:2000])
    assert all(isinstance(a, list) and len(a) == 100 for a in got[2000:])


def test_the_labeled_sets_take_the_fast_path(dev_set: Path) -> None:
    lines = [line for path in (dev_set, *sorted((REPO / "data").glob("*.jsonl")))
             for line in path.read_bytes().splitlines()]
    values = [orjson.dumps({k: v for k, v in orjson.loads(line).items() if k != "label"} | {
        "created_at": "2026-11-21T10:00:00Z"}) for line in lines if line.strip()]
    got = assert_agrees(values)
    assert None not in got


@pytest.mark.parametrize(("item", "reason"), [c[1:] for c in BAD_POSTS], ids=[c[0] for c in BAD_POSTS])
def test_bad_posts_are_left_to_the_decoder(item: bytes, reason: str) -> None:
    envelope = b"[" + raw(good("first")) + b"," + item + b"," + raw(good("third")) + b"]"
    assert assert_agrees([item, envelope, raw(good("next"))])[:2] == [None, None]


@pytest.mark.parametrize(
    ("message", "reason"), [c[1:] for c in BAD_MESSAGES], ids=[c[0] for c in BAD_MESSAGES])
def test_bad_messages_are_left_to_the_decoder(message: bytes | None, reason: str) -> None:
    assert assert_agrees([message, raw(good("next"))])[0] is None


@pytest.mark.parametrize(
    ("message", "fast"),
    [
        (raw(good(author={"id": "a", "\\u0061": 1})).replace(b'"\\\\u0061"', b'"\\u0061"'), False),
        (raw(good(author={"id": "a", "id2": 1})), True),
        (raw(good(extra={"a": {"b": 1}, "b": {"a": 1}})), True),  # same key in siblings
        (raw(good(extra=[{"a": 1}, {"a": 2}])), True),  # same key in array items
        (raw(good(extra={"k": "\\\"post_id\\\":"})), True),  # a key-like string value
        (raw(good(**{f"x{i}": i for i in range(80)})), False),  # many keys: Python decides
        (b"\xef\xbb\xbf" + raw(good()), False),  # a BOM
        (nested(Limits().max_json_depth), True),
        (nested(Limits().max_json_depth + 1), False),
        (raw(good(metrics={"views": 2**64 - 1, "likes": 12.0})), True),
        (json.dumps(good(metrics={"views": 2**64})).encode(), True),  # orjson: a float
        (raw(good(created_at="2026-11-21T10:00:00+00:99")), False),  # Python decides
        (json.dumps(good(text="a\u2028b")).encode(), True),
    ],
    ids=["escaped-duplicate", "similar-keys", "sibling-keys", "array-items", "key-like-value",
         "80-keys", "bom", "depth-at-limit", "depth-over-limit", "big-counts", "count-2**64",
         "offset-minutes-99", "spaced-json"],
)
def test_edges_of_the_fast_path(message: bytes, fast: bool) -> None:
    (answer,) = assert_agrees([message])
    assert (answer is not None) == fast


def test_every_field_of_every_limit_is_applied() -> None:
    tight = Limits(max_message_bytes=400, max_envelope_posts=2, max_text_chars=10,
                   max_json_depth=3, max_post_id_chars=3)
    cases = [
        (raw(good("abc", text="0123456789")), True),
        (raw(good("abcd", text="short")), False),
        (raw(good("abc", text="0123456789x")), False),
        (raw(good("abc", text="x", extra=[[0]])), True),
        (raw(good("abc", text="x", extra=[[[0]]])), False),
        (orjson.dumps([good("a", text="x"), good("b", text="y")]), True),
        (orjson.dumps([good("a", text="x")] * 3), False),
        (raw(good("abc", text="x", url="u" * 400)), False),
    ]
    got = assert_agrees([m for m, _ in cases], tight)
    assert [a is not None for a in got] == [f for _, f in cases]


@FUZZ
@given(st.lists(json_values, min_size=1, max_size=3), st.booleans())
def test_arbitrary_json(values: list[Any], ascii_only: bool) -> None:
    assert_agrees([dumps(v, ascii_only) for v in values], SMALL_LIMITS)


@FUZZ
@given(st.lists(mutated_posts(), min_size=1, max_size=4), st.booleans(), st.booleans())
def test_mutated_posts(posts: list[Any], envelope: bool, ascii_only: bool) -> None:
    values = [dumps(posts, ascii_only)] if envelope else [dumps(p, ascii_only) for p in posts]
    assert_agrees(values, SMALL_LIMITS)
    assert_agrees(values)


@FUZZ
@given(st.lists(byte_mutations(), min_size=1, max_size=3))
def test_byte_mutated_posts(values: list[bytes]) -> None:
    assert_agrees(values, SMALL_LIMITS)


@FUZZ
@given(valid_posts, st.booleans())
def test_valid_posts_take_the_fast_path(post: dict[str, Any], ascii_only: bool) -> None:
    value = dumps(post, ascii_only)
    (answer,) = assert_agrees([value])
    escaped_key = any(json.dumps(k, ensure_ascii=ascii_only)[1:-1] != k for k in _keys(post))
    if not escaped_key:  # a key written with an escape is left to Python
        assert answer == parse_timestamp_ms(post["created_at"])


def _keys(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [*node, *(k for v in node.values() for k in _keys(v))]
    if isinstance(node, list):
        return [k for v in node for k in _keys(v)]
    return []


offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


@FUZZ
@given(st.datetimes(min_value=datetime(2004, 1, 2), max_value=datetime(2026, 11, 20)), offsets,
       st.integers(0, 7), st.sampled_from(["T", "t"]), st.booleans())
def test_timestamps_equal_pythons(when: datetime, tz: timezone, digits: int, t: str, zulu: bool) -> None:
    when = when.replace(tzinfo=UTC if zulu else tz)
    text = when.strftime(f"%Y-%m-%d{t}%H:%M:%S")
    if digits:
        text += "." + f"{when.microsecond:06d}{when.microsecond % 10}"[:digits]
    text += "Z" if zulu else when.strftime("%z")[:3] + ":" + when.strftime("%z")[3:]
    got = native.post_checker(Limits()).timestamp_ms(text)
    assert got == parse_timestamp_ms(text), text


@FUZZ
@given(timestamps | st.text(max_size=40))
def test_odd_timestamps_are_never_read_differently(text: str) -> None:
    got = native.post_checker(Limits()).timestamp_ms(text)
    if got is not None:
        assert got == parse_timestamp_ms(text), text


@pytest.mark.parametrize("text", [
    "2016-12-31T23:59:60Z", "2024-02-29T12:00:00.000001+01:00", "2026-11-21t10:00:00.1z",
    "2026-11-21T10:00:00.123456789-05:30", "2020-01-01T00:00:00.999999Z", "2004-01-01T00:00:00Z",
])
def test_named_timestamps(text: str) -> None:
    assert native.post_checker(Limits()).timestamp_ms(text) == parse_timestamp_ms(text)


def test_times_a_float_cannot_hold_exactly_are_left_to_python() -> None:
    # microseconds past 2**53 (after 2255): Python divides the exact integer, a float cannot
    assert native.post_checker(Limits()).timestamp_ms("3100-01-01T00:00:00.020993Z") is None
    assert parse_timestamp_ms("3100-01-01T00:00:00.020993Z") == 35_659_353_600_021


def test_the_setting_reaches_the_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    from deinfluence.components import pipeline_config
    from deinfluence.settings import Settings

    assert pipeline_config(Settings()).native_decode is True
    monkeypatch.setenv("DEINFLUENCE_NATIVE_DECODE", "false")
    assert pipeline_config(Settings()).native_decode is False
