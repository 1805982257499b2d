"""Property-based fuzzing of ``decode_message``: arbitrary bytes, arbitrary JSON, mutated posts.

Whatever comes in, nothing raises; every message yields posts or typed errors with a known
reason; a post that passes also satisfies the published ``post.v1`` JSON Schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from deinfluence.errors import ValidationError
from deinfluence.schemas import post as post_module
from deinfluence.schemas.deadletter import REASONS
from deinfluence.schemas.post import FUTURE_SLACK_MS, MIN_EVENT_MS, Limits, decode_message

NOW_MS = 1_795_305_600_000  # 2026-11-22T00:00:00Z
LIMITS = Limits(max_message_bytes=4096, max_envelope_posts=8, max_text_chars=200,
                max_json_depth=6, max_post_id_chars=256)
POST_SCHEMA = Draft202012Validator(
    json.loads((Path(post_module.__file__).parent / "json" / "post.v1.schema.json").read_text()))
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- strategies ------------------------------------------------------------------------------

# any code point, lone surrogates (json writes them as \\udXXX escapes) and controls included
any_char = st.characters() | st.characters(categories=["Cs"]) | st.characters(max_codepoint=0x1F)
clean_text = st.text(st.characters(codec="utf-8"), max_size=30)
any_text = st.text(any_char, max_size=30) | st.sampled_from(
    ["", "don't buy", "لا تشتري", "别买 Dyson", "🔥🙄💀", "\x00\x1b[31m", "\u202edon't\u202c", "x" * 201]
)
scalars = (
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats() | any_text
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(any_text, children, max_size=5),
    max_leaves=25,
)
clean_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | clean_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(clean_text, children, max_size=4),
    max_leaves=15,
)
timestamps = st.sampled_from([
    "2026-11-21T10:00:00Z", "2026-11-21T10:00:00.123+05:30", "2003-01-01T00:00:00Z",
    "2099-01-01T00:00:00Z", "2026-11-21T10:00:00", "2026-11-21", "yesterday", "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-21t10:00:00z", "2016-12-31T23:59:60Z",
]) | st.datetimes().map(lambda d: d.isoformat() + "Z")
valid_posts = st.fixed_dictionaries(
    {
        "post_id": st.text(st.characters(codec="utf-8"), min_size=1, max_size=20),
        "platform": st.sampled_from(sorted(post_module.PLATFORMS)),
        "created_at": st.just("2026-11-21T10:00:00Z"),
        "text": st.text(st.characters(codec="utf-8"), max_size=50),
    },
    optional={
        "lang": st.sampled_from(["en", "da", "ja", None]),
        "author": st.fixed_dictionaries({"id": st.text(max_size=5)},
                                        optional={"followers": st.integers(0, 10**9)}),
        "hashtags": st.lists(st.text(max_size=8), max_size=4),
        "metrics": st.dictionaries(st.sampled_from(["views", "likes", "comments", "shares"]),
                                   st.integers(0, 10**12)),
        "url": st.just("https://example.com/p/1"),
        "extra": clean_json,
    },
)
FIELDS = ["post_id", "platform", "created_at", "text", "lang", "author", "hashtags", "metrics", "url"]


@st.composite
def mutated_posts(draw: st.DrawFn) -> Any:
    post = dict(draw(valid_posts))
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(FIELDS))
        action = draw(st.sampled_from(["drop", "replace", "timestamp", "nest"]))
        if action == "drop":
            post.pop(name, None)
        elif action == "replace":
            post[name] = draw(json_values)
        elif action == "timestamp":
            post["created_at"] = draw(timestamps)
        else:
            post[name] = {"v": post.get(name)} if draw(st.booleans()) else [post.get(name)]
    return post


def dumps(value: Any, ascii_only: bool) -> bytes:
    """``json`` rather than orjson: it also writes NaN, big integers and lone surrogates."""
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@st.composite
def byte_mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(dumps(draw(valid_posts), draw(st.booleans())))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup"]))
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.sampled_from([b'"', b"{", b"[", b":", b",", b"\\", b"\xff", b"\x00",
                                                b"\xef\xbb\xbf", b'"post_id":"x",', b"\\ud800"]))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 8))]
        elif op == "dup" and at < len(data):
            data[at:at] = data[at:at + draw(st.integers(1, 20))]
    return bytes(data)


# -- the properties ------------------------------------------------------------------------------


def check(value: bytes | None) -> None:
    decoded = decode_message(value, LIMITS, NOW_MS)  # must not raise
    assert decoded.posts or decoded.errors
    assert len(decoded.posts) == len(decoded.event_ms) == len(decoded.indexes)
    for err in decoded.errors:
        assert type(err) is ValidationError and err.reason in REASONS, err
        assert isinstance(err.detail, str)
    for post, ts in zip(decoded.posts, decoded.event_ms, strict=True):
        POST_SCHEMA.validate(post)
        assert len(post["text"]) <= LIMITS.max_text_chars
        assert MIN_EVENT_MS <= ts <= NOW_MS + FUTURE_SLACK_MS
    items = [i for i in decoded.indexes if i is not None] + [e.index for e in decoded.errors]
    if any(i is not None for i in items):  # an envelope: exactly one outcome per post
        assert sorted(items) == list(range(len(items)))
    else:  # one post, or one error for the whole message
        assert len(decoded.posts) + len(decoded.errors) == 1


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes(value: bytes) -> None:
    check(value)


@FUZZ
@given(json_values, st.booleans())
def test_arbitrary_json(value: Any, ascii_only: bool) -> None:
    check(dumps(value, ascii_only))


@FUZZ
@given(st.lists(mutated_posts(), min_size=1, max_size=4), st.booleans(), st.booleans())
def test_mutated_posts(posts: list[Any], envelope: bool, ascii_only: bool) -> None:
    value = dumps(posts if envelope else posts[0], ascii_only)
    check(value)
    if len(value) <= LIMITS.max_message_bytes and not envelope and isinstance(posts[0], dict):
        # the decoder's verdict on a post agrees with the JSON Schema's (timestamps and limits aside)
        decoded = decode_message(value, LIMITS, NOW_MS)
        if decoded.errors and decoded.errors[0].reason in ("missing_field", "wrong_type"):
            assert not POST_SCHEMA.is_valid(posts[0])


@FUZZ
@given(byte_mutations())
def test_byte_mutated_posts(value: bytes) -> None:
    check(value)


@FUZZ
@given(valid_posts, st.booleans())
def test_valid_posts_always_pass(post: dict[str, Any], ascii_only: bool) -> None:
    value = dumps(post, ascii_only)
    decoded = decode_message(value, Limits(), NOW_MS)
    assert decoded.errors == [] and decoded.posts == [orjson.loads(value)]
