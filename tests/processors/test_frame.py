"""The polars entry point agrees with the batch API."""

from __future__ import annotations

import polars as pl

from deinfluence.processors.frame import classify_frame


def test_frame_matches_batch(default_classifier) -> None:
    posts = [
        {
            "post_id": "1",
            "text": "Skip the Dyson Airwrap, the Shark FlexStyle does the same for half",
            "lang": "en",
        },
        {"post_id": "2", "text": "", "lang": None},
        {"post_id": "3", "text": "#ad obsessed with my Owala", "lang": "en"},
    ]
    frame = classify_frame(pl.DataFrame(posts), default_classifier)
    batch = default_classifier.classify_batch(posts)
    assert frame["post_id"].to_list() == ["1", "2", "3"]
    assert frame["stance"].to_list() == [b["stance"] for b in batch]
    assert frame["sponsored"].to_list() == [b["sponsored"] for b in batch]
    targets = [{t["brand"]: t["stance"] for t in row} for row in frame["targets"].to_list()]
    assert targets == [b["targets"] for b in batch]


def test_empty_frame(default_classifier) -> None:
    frame = classify_frame(
        pl.DataFrame({"post_id": [], "text": []}, schema={"post_id": pl.Utf8, "text": pl.Utf8}),
        default_classifier,
    )
    assert frame.height == 0 and "stance" in frame.columns
