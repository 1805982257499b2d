"""Property-based fuzzing of the whole pipeline in one process (``Backfill``).

Arbitrary valid posts (any script, controls, emoji, long texts, odd hashtags, timestamps with
any offset), re-sent duplicates and junk messages interleaved: nothing raises, every distinct
post is counted exactly once in the ``all|all`` tumbling aggregates, and only the junk is
dead-lettered, each with a known reason.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deinfluence.processors.classify import RuleClassifier
from deinfluence.processors.pipeline import Backfill, PipelineConfig
from deinfluence.schemas.deadletter import REASONS
from deinfluence.schemas.post import PLATFORMS

T0 = datetime(2026, 11, 1, tzinfo=UTC)
SPAN_S = 6 * 3600

TEXTS = [
    "Don't buy the Stanley cup, it leaks. Save your money #deinfluencing",
    "لا تشتري هذا المنتج من زارا، إنه باهظ الثمن",
    "\u202eyelnatS yub t'nod\u202c",
    "この化粧品は買わないで。高すぎる！ #コスメ",
    "这个太贵了，别买 Dyson #不要买",
    "🔥😍🙄💀" * 40,
    "\x00\x01\x07\x1b[31m don't\tbuy\r\n the \x7f Dyson \u200b\u2028",
    "skip the Airwrap, the Shark does the same for half #dupe " * 100,  # ~6k chars
    "#" * 500 + " " + "@" * 500,
]
texts = st.sampled_from(TEXTS) | st.text(st.characters(codec="utf-8"), max_size=300)
hashtags = st.lists(
    st.sampled_from(["deinfluencing", "Skip", "東京", "ＤＹＳＯＮ", "", "#", "a" * 200, "\x00"])
    | st.text(st.characters(codec="utf-8"), max_size=12),
    max_size=6,
)


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    when = T0 + timedelta(seconds=draw(st.integers(0, SPAN_S)), microseconds=draw(st.integers(0, 999_999)))
    offset = timedelta(minutes=draw(st.integers(-14 * 60, 14 * 60)))
    local = when.astimezone(timezone(offset))
    text = local.isoformat(timespec=draw(st.sampled_from(["seconds", "milliseconds", "microseconds"])))
    return text.replace("+00:00", "Z") if draw(st.booleans()) else text


@st.composite
def posts(draw: st.DrawFn, post_id: str) -> dict[str, Any]:
    post: dict[str, Any] = {
        "post_id": post_id,
        "platform": draw(st.sampled_from(sorted(PLATFORMS))),
        "created_at": draw(timestamps()),
        "text": draw(texts),
    }
    if draw(st.booleans()):
        post["hashtags"] = draw(hashtags)
    if draw(st.booleans()):
        post["lang"] = draw(st.sampled_from(["en", "ar", "ja", "zh", "da", "xx", "", None]))
    if draw(st.booleans()):
        post["metrics"] = {"views": draw(st.integers(0, 10**12)), "likes": draw(st.integers(0, 10))}
    if draw(st.booleans()):
        post["author"] = {"id": draw(st.text(max_size=5)), "followers": draw(st.integers(0, 10**9))}
    return post


JUNK = [b"", b"not json", b"[]", b"42", b"\xff\xfe", b'{"post_id": "j"}', b"[" * 50 + b"]" * 50,
        b'{"post_id":"j","post_id":"k","platform":"x","created_at":"2026-11-01T00:00:00Z","text":""}']


@st.composite
def streams(draw: st.DrawFn) -> tuple[list[bytes], set[str], set[int]]:
    """Raw message values, the distinct post ids they carry, and the offsets of the junk."""
    n = draw(st.integers(1, 25))
    all_posts = [draw(posts(f"p{i}-{draw(st.text(st.characters(codec='utf-8'), max_size=3))}"))
                 for i in range(n)]
    messages: list[bytes] = []
    junk: set[int] = set()
    pending = list(all_posts)
    extra = 0  # junk and re-sent messages, bounded so that the stream ends
    while pending:
        roll = draw(st.integers(0, 9))
        if roll <= 4:
            messages.append(orjson.dumps(pending.pop(0)))
        elif roll <= 7:  # an envelope of a few posts
            k = draw(st.integers(1, 5))
            messages.append(orjson.dumps(pending[:k]))
            pending = pending[k:]
        elif extra < n and roll == 8:  # a re-sent post (same post_id, any content)
            extra += 1
            messages.append(orjson.dumps(draw(st.sampled_from(all_posts))))
        elif extra < n:
            extra += 1
            junk.add(len(messages))
            messages.append(draw(st.sampled_from(JUNK) | st.binary(max_size=40).filter(_not_a_post)))
    return messages, {p["post_id"] for p in all_posts}, junk


def _not_a_post(value: bytes) -> bool:
    try:
        return not isinstance(orjson.loads(value), dict | list)
    except orjson.JSONDecodeError:
        return True


CLASSIFIER = RuleClassifier()


@pytest.mark.parametrize("windows", ["5m", "1h"])
def test_fuzz_pipeline(windows: str) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.data_too_large,
                                                                      HealthCheck.large_base_example])
    @given(streams(), st.integers(1, 7))
    def run(stream: tuple[list[bytes], set[str], set[int]], batch: int) -> None:
        messages, post_ids, junk = stream
        engine = Backfill(PipelineConfig.parse(windows), CLASSIFIER)
        engine.feed(messages, batch=batch)
        result = engine.finish()
        counted = [a for a in result.aggregates if a["key_type"] == "all" and a["window"] == windows]
        assert sum(a["posts"] for a in counted) == len(post_ids)
        assert {d["reason"] for d in result.deadletters} <= REASONS
        assert {d["source"]["offset"] for d in result.deadletters} == junk
        for agg in result.aggregates:
            assert 0 <= agg["deinfluencing"] <= agg["posts"]

    run()
