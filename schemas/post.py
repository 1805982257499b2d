"""``deinfluence.post.v1``: decoding and validating raw post events from ``posts.raw``.

A message value is one JSON object or a batch envelope (a non-empty JSON array of
objects). Decoding never raises for bad input: it returns the valid posts and one
:class:`~deinfluence.errors.ValidationError` per rejected record, so the caller can
dead-letter each with its reason and keep going.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from deinfluence.errors import ValidationError

PLATFORMS = frozenset({"tiktok", "instagram", "youtube", "facebook", "x", "threads", "reddit", "other"})
METRIC_FIELDS = ("views", "likes", "comments", "shares")
MIN_EVENT_MS = 1_072_915_200_000  # 2004-01-01T00:00:00Z: no social post is older
FUTURE_SLACK_MS = 86_400_000  # a day of clock skew is tolerated, more is absurd
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Limits:
    """Explicit size limits for raw messages (all configurable through settings)."""

    max_message_bytes: int = 1_048_576
    max_envelope_posts: int = 1000
    max_text_chars: int = 100_000
    max_json_depth: int = 32
    max_post_id_chars: int = 256


@dataclass(slots=True)
class Decoded:
    """Result of decoding one message: valid posts with event times, and rejections."""

    posts: list[dict[str, Any]]
    event_ms: list[int]
    indexes: list[int | None]
    errors: list[ValidationError]


def decode_message(value: bytes | None, limits: Limits, now_ms: int) -> Decoded:
    """Decode one ``posts.raw`` message value.

    Example:
        >>> d = decode_message(b'{"post_id":"1","platform":"x","created_at":"2026-11-01T00:00:00Z","text":""}',
        ...                    Limits(), now_ms=1_800_000_000_000)
        >>> len(d.posts), d.errors
        (1, [])
    """
    out = Decoded([], [], [], [])
    try:
        doc = _parse(value, limits)
    except ValidationError as exc:
        out.errors.append(exc)
        return out
    if isinstance(doc, dict):
        _accept(out, doc, None, limits, now_ms)
    elif isinstance(doc, list):
        if not doc:
            out.errors.append(ValidationError("empty_envelope", "a batch envelope must not be empty"))
        elif len(doc) > limits.max_envelope_posts:
            out.errors.append(ValidationError(
                "envelope_too_large", f"{len(doc)} posts > limit {limits.max_envelope_posts}"))
        else:
            for index, item in enumerate(doc):
                _accept(out, item, index, limits, now_ms)
    else:
        out.errors.append(ValidationError("not_an_object", f"JSON {type(doc).__name__} is not a post"))
    return out


def _accept(out: Decoded, item: Any, index: int | None, limits: Limits, now_ms: int) -> None:
    try:
        ts = validate_post(item, limits, now_ms)
    except ValidationError as exc:
        exc.index = index
        out.errors.append(exc)
        return
    out.posts.append(item)
    out.event_ms.append(ts)
    out.indexes.append(index)


def _parse(value: bytes | None, limits: Limits) -> Any:
    if value is None:
        raise ValidationError("empty_message", "message has no value (tombstone)")
    if len(value) > limits.max_message_bytes:
        raise ValidationError(
            "too_large", f"{len(value)} bytes > limit {limits.max_message_bytes}")
    if value.startswith(_BOM):
        value = value[3:]  # RFC 8259 lets parsers ignore a BOM; producers on Windows add one
    try:
        doc = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("not_utf8", "message value is not valid UTF-8") from exc
        raise ValidationError("not_json", f"not JSON: {exc}") from exc
    if _depth(doc, limits.max_json_depth) > limits.max_json_depth:
        raise ValidationError("too_deep", f"JSON nesting deeper than {limits.max_json_depth}")
    return doc


def _depth(doc: Any, limit: int) -> int:
    """Nesting depth of ``doc``, stopping as soon as it exceeds ``limit``."""
    stack = [(doc, 1)]
    deepest = 0
    while stack:
        node, level = stack.pop()
        if level > deepest:
            deepest = level
            if deepest > limit:
                return deepest
        if isinstance(node, dict):
            stack.extend((v, level + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, level + 1) for v in node if isinstance(v, dict | list))
    return deepest


def parse_timestamp_ms(value: Any) -> int:
    """Milliseconds since the epoch of an RFC 3339 timestamp that carries an offset or ``Z``."""
    if not isinstance(value, str) or len(value) > 64:
        raise ValidationError("wrong_type", "created_at must be an RFC 3339 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError("invalid_timestamp", f"created_at {value[:40]!r} is not RFC 3339") from exc
    if parsed.tzinfo is None or "T" not in value.upper():
        raise ValidationError("invalid_timestamp", f"created_at {value[:40]!r} has no offset or Z")
    return int(parsed.timestamp() * 1000)


def validate_post(post: Any, limits: Limits, now_ms: int) -> int:
    """Check ``post`` against ``deinfluence.post.v1``; return its event time in ms."""
    if not isinstance(post, dict):
        raise ValidationError("not_an_object", f"JSON {type(post).__name__} is not a post")
    for name in ("post_id", "platform", "created_at", "text"):
        if name not in post:
            raise ValidationError("missing_field", f"required field {name!r} is missing")
    post_id, text = post["post_id"], post["text"]
    if not isinstance(post_id, str):
        raise ValidationError("wrong_type", "post_id must be a string")
    if not 1 <= len(post_id) <= limits.max_post_id_chars:
        raise ValidationError("invalid_field", f"post_id length {len(post_id)} not in 1..{limits.max_post_id_chars}")
    if post["platform"] not in PLATFORMS:
        raise ValidationError("invalid_field", f"unknown platform {str(post['platform'])[:40]!r}")
    if not isinstance(text, str):
        raise ValidationError("wrong_type", "text must be a string")
    if len(text) > limits.max_text_chars:
        raise ValidationError("too_large", f"text of {len(text)} chars > limit {limits.max_text_chars}")
    ts = parse_timestamp_ms(post["created_at"])
    if not MIN_EVENT_MS <= ts <= now_ms + FUTURE_SLACK_MS:
        raise ValidationError("timestamp_out_of_range", f"created_at {post['created_at']!r} is absurd")
    _validate_optional(post)
    return ts


def _validate_optional(post: dict[str, Any]) -> None:
    for name in ("lang", "url"):
        if name in post and post[name] is not None and not isinstance(post[name], str):
            raise ValidationError("wrong_type", f"{name} must be a string")
    author = post.get("author")
    if author is not None:
        if not isinstance(author, dict) or not isinstance(author.get("id", ""), str):
            raise ValidationError("wrong_type", "author must be {id: string, followers: int}")
        if "followers" in author and not _is_count(author["followers"]):
            raise ValidationError("invalid_field", "author.followers must be an integer >= 0")
    tags = post.get("hashtags")
    if tags is not None and (not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)):
        raise ValidationError("wrong_type", "hashtags must be an array of strings")
    metrics = post.get("metrics")
    if metrics is not None:
        if not isinstance(metrics, dict):
            raise ValidationError("wrong_type", "metrics must be an object")
        for name in METRIC_FIELDS:
            if name in metrics and not _is_count(metrics[name]):
                raise ValidationError("invalid_field", f"metrics.{name} must be an integer >= 0")


def _is_count(value: Any) -> bool:
    if type(value) is int:
        return value >= 0
    # 12.0 from a producer that writes floats is tolerated; NaN, inf and fractions are not
    return type(value) is float and math.isfinite(value) and value >= 0 and value.is_integer()
