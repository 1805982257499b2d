"""Hashtags from the field or the text, normalised."""

from __future__ import annotations

from deinfluence.processors.hashtags import extract_hashtags


def test_from_text_when_field_absent() -> None:
    assert extract_hashtags(None, "Skip it #Deinfluencing #StanleyCup #deinfluencing") == [
        "deinfluencing",
        "stanleycup",
    ]


def test_field_wins_even_when_empty() -> None:
    assert extract_hashtags([], "#ad #sponsored") == []
    assert extract_hashtags(["#AD", "Sponsored", ""], "#other") == ["ad", "sponsored"]


def test_nfkc_casefold_and_non_latin_scripts() -> None:
    tags = extract_hashtags(None, "#ＳＴＡＮＬＥＹ #Straße #東京 #مرحبا")
    assert set(tags) == {"stanley", "strasse", "東京", "مرحبا"}
    assert tags == sorted(tags)


def test_non_string_items_are_ignored() -> None:
    assert extract_hashtags(["ok", 3, None], "") == ["ok"]


def test_classifier_uses_field_hashtags_as_cues(eval_classifier) -> None:
    post = {"post_id": "1", "text": "Loving this Owala bottle", "hashtags": ["ad"], "lang": "en"}
    assert eval_classifier.classify_batch([post])[0]["sponsored"] is True


def test_a_field_that_is_not_a_list_falls_back_to_the_text() -> None:
    assert extract_hashtags("ad", "#real") == ["real"]
