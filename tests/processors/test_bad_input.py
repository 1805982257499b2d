"""Odd input never raises and still yields a well-formed classified post."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deinfluence.schemas.classified import validate_classified

BASE = {"post_id": "x", "platform": "x", "created_at": "2026-11-01T00:00:00Z"}


def one(clf, **fields) -> dict:
    out = clf.classify_batch([{**BASE, **fields}])[0]
    validate_classified(out)
    return out


@pytest.mark.parametrize(
    "text",
    [
        "",
        "🔥😍🙄💀" * 50,
        "\x00\x01\x07\x1b[31m don't\tbuy\r\n the \x7f Stanley \u200b\u2028",
        "لا تشتري هذا المنتج من زارا، إنه باهظ الثمن",  # right-to-left, with a Latin brand nearby
        "\u202eyelnatS yub t'nod\u202c",  # RTL override characters
        "この化粧品は買わないで。高すぎる！ #コスメ",
        "这个太贵了，别买 Dyson",
        "#" * 1000,
        "'" * 500 + '"' * 500,
        "e.l.f. h&m c++ [x]* (a|b) \\d+ $^",
        "\ud7ff\ue000\U0010ffff",
    ],
)
def test_odd_text(default_classifier, text: str) -> None:
    out = one(default_classifier, text=text)
    assert out["stance"] in ("deinfluencing", "promoting", "neutral")


def test_empty_text_is_neutral_without_brands(default_classifier) -> None:
    out = one(default_classifier, text="")
    assert (out["stance"], out["brands"], out["hashtags"], out["sponsored"]) == (
        "neutral",
        [],
        [],
        False,
    )
    assert out["lang"] == "und"


def test_hundred_thousand_characters(default_classifier) -> None:
    text = ("Don't buy the Stanley cup, it leaks. " * 3000)[:100_000]
    out = one(default_classifier, text=text)
    assert out["stance"] == "deinfluencing" and out["targets"] == {"stanley": "deinfluencing"}


def test_cjk_keeps_hashtags_and_brands(default_classifier) -> None:
    out = one(default_classifier, text="Dysonのドライヤー #東京 #ＤＹＳＯＮ", lang="ja")
    assert out["hashtags"] == ["dyson", "東京"] and out["lang"] == "ja"


def test_missing_or_wrong_typed_fields(default_classifier) -> None:
    out = default_classifier.classify_batch(
        [{"post_id": "y", "text": None, "hashtags": None, "lang": 5}]
    )[0]
    validate_classified(out)
    assert out["stance"] == "neutral"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=400),
    lang=st.sampled_from([None, "en", "da", "nl", "de", "es", "fr", "xx"]),
)
def test_any_text_gives_a_valid_record(default_classifier, text: str, lang: str | None) -> None:
    fields = {"text": text} if lang is None else {"text": text, "lang": lang}
    out = one(default_classifier, **fields)
    assert set(out["targets"]) == set(out["brands"])
    assert out["reasons"] == [] or out["stance"] == "deinfluencing"
