"""``deinfluence.post.v1``: decoding and validating raw post events from ``posts.raw``.

A message value is one JSON object or a batch envelope (a non-empty JSON array of
objects). Decoding never raises for bad input: it returns the valid posts and one
:class:`~deinfluence.errors.ValidationError` per rejected record, so the caller can
dead-letter each with its reason and keep going.

Choices for ambiguous input (see ``docs/failure-modes.md``):

- **Duplicate keys** (``{"post_id": "a", "post_id": "b"}``) are rejected with reason
  ``duplicate_key``: RFC 8259 leaves their meaning to the parser, and a producer and this
  pipeline could read different posts out of the same bytes. orjson keeps the last value and
  cannot report duplicates, so a cheap exact test runs on every message: each key in the raw
  text is followed by one ``:`` outside strings, and orjson re-serialises every key with one
  ``:`` and every ``:`` inside a string literally, so the raw text holds more colons than
  ``orjson.dumps(doc)`` exactly when a key was dropped, unless a colon was written as the
  escape ``\\u003a`` (and when ``orjson.dumps(doc)`` gives back the message itself, as
  it does for compact producers, no key can have been dropped and the counting is
  skipped). Only messages where the counts differ or such an escape occurs are
  parsed a second time with :func:`json.loads` and an ``object_pairs_hook`` to find the
  duplicate (and the envelope index of the post that holds it). ``bench/decoder_cost.py``
  measures what the test adds to the decoder's per-post cost (figures in
  ``docs/failure-modes.md``).
- **A UTF-8 byte order mark** at the start is skipped (RFC 8259 section 8.1 lets parsers
  ignore it).
- **Lone surrogate escapes** (``"\\ud800"``) are rejected with reason ``invalid_unicode``:
  the text is not a Unicode string (typically a producer cut an emoji in half).
- **Timestamps** must match RFC 3339's ``date-time`` exactly (``T`` or ``t``, seconds,
  optional fraction, ``Z`` or ``+hh:mm``); ISO 8601 forms that Python also reads (week
  dates, basic format, missing seconds or offset) are ``invalid_timestamp``. A leap second
  (``:60``) is read as ``:59``.
- **Null optional fields** (``"lang": null``) count as absent.
"""

from __future__ import annotations

import json
import math
import re
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
_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}):(\d{2})(?:\.(\d{1,6})\d*)?([Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,
)


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
        doc, duplicates = _parse(value, limits)
    except ValidationError as exc:
        out.errors.append(exc)
        return out
    if isinstance(doc, dict):
        _accept(out, doc, None, limits, now_ms, None in duplicates)
    elif isinstance(doc, list):
        if not doc:
            out.errors.append(ValidationError("empty_envelope", "a batch envelope must not be empty"))
        elif len(doc) > limits.max_envelope_posts:
            out.errors.append(ValidationError(
                "envelope_too_large", f"{len(doc)} posts > limit {limits.max_envelope_posts}"))
        else:
            for index, item in enumerate(doc):
                _accept(out, item, index, limits, now_ms, index in duplicates)
    else:
        out.errors.append(ValidationError("not_an_object", f"JSON {type(doc).__name__} is not a post"))
    return out


def _accept(
    out: Decoded, item: Any, index: int | None, limits: Limits, now_ms: int, duplicate: bool,
) -> None:
    try:
        if duplicate:
            raise ValidationError("duplicate_key", "an object has the same key twice")
        ts = validate_post(item, limits, now_ms)
    except ValidationError as exc:
        exc.index = index
        out.errors.append(exc)
        return
    out.posts.append(item)
    out.event_ms.append(ts)
    out.indexes.append(index)


def _parse(value: bytes | None, limits: Limits) -> tuple[Any, set[int | None]]:
    """The JSON document, and where duplicate keys are (``None``: the top level object)."""
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
        raise _parse_error(value, exc) from exc
    # an object or array opens with a "{" or "[" byte, so their count bounds the depth
    # (brackets inside strings only over-count): the exact walk runs on the rare message
    # that has more of them than the limit
    limit = limits.max_json_depth
    if value.count(b"{") + value.count(b"[") > limit and _depth(doc, limit) > limit:
        raise ValidationError("too_deep", f"JSON nesting deeper than {limits.max_json_depth}")
    return doc, _duplicates(value, doc)


def _parse_error(value: bytes, exc: orjson.JSONDecodeError) -> ValidationError:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return ValidationError("not_utf8", "message value is not valid UTF-8")
    message = str(exc)
    if "depth limit" in message:  # orjson stops at 1024 levels, before our own limit is checked
        return ValidationError("too_deep", f"JSON nesting too deep: {message}")
    if "surrogate" in message:
        return ValidationError("invalid_unicode", f"lone surrogate escape: {message}")
    return ValidationError("not_json", f"not JSON: {message}")


class _DuplicateKeys(dict):  # type: ignore[type-arg]
    """Marks an object that had a key twice (only built on the rare slow path)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    return _DuplicateKeys(out) if len(out) < len(pairs) else out


def _duplicates(value: bytes, doc: Any) -> set[int | None]:
    """Envelope indexes (``None``: the whole message) of objects with a duplicate key."""
    if not isinstance(doc, dict | list):
        return set()
    try:
        again = orjson.dumps(doc)
    except orjson.JSONEncodeError:  # deeper than orjson writes (max_json_depth set above 254)
        again = b""
    if again == value:
        return set()  # compact producers (orjson, JSON.stringify): the bytes hold no dropped key
    if value.count(b":") == again.count(b":") and b"\\u003" not in value:
        return set()  # exact: no key was dropped (see the module docstring)
    try:
        pairs = json.loads(value.decode("utf-8"), object_pairs_hook=_pairs)
    except (ValueError, RecursionError):  # orjson read it, so this is not expected
        return {None}
    if isinstance(pairs, dict):
        return {None} if _has_duplicate(pairs) else set()
    return {i for i, item in enumerate(pairs) if _has_duplicate(item)}


def _has_duplicate(node: Any) -> bool:
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, _DuplicateKeys):
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


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
    """Milliseconds since the epoch of an RFC 3339 ``date-time`` (with an offset or ``Z``).

    Example:
        >>> parse_timestamp_ms("2026-11-01T01:00:00.5+01:00")
        1793491200500
    """
    if not isinstance(value, str):
        raise ValidationError("wrong_type", "created_at must be an RFC 3339 string")
    match = _RFC3339.fullmatch(value) if len(value) <= 64 else None
    if match is None:
        raise ValidationError("invalid_timestamp", f"created_at {value[:40]!r} is not RFC 3339")
    date, hm, sec, frac, offset = match.groups()
    sec = "59" if sec == "60" else sec  # a leap second: Python has no 23:59:60
    iso = f"{date}T{hm}:{sec}{'.' + frac.ljust(6, '0') if frac else ''}{offset.upper()}"
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError as exc:  # month 13, day 32, year 0, offset +24:00 ...
        raise ValidationError("invalid_timestamp", f"created_at {value[:40]!r}: {exc}") from exc
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
    if not isinstance(post["platform"], str):
        raise ValidationError("wrong_type", "platform must be a string")
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
