"""Metric code used by `deinfluence eval` and the acceptance tests."""

from __future__ import annotations

import pytest

from deinfluence.processors.evaluation import confusion, evaluate, f1, macro_f1, set_f1


def test_f1_counts() -> None:
    assert f1(1, 1, 0) == pytest.approx(2 / 3)
    assert f1(0, 0, 0) == 1.0 and f1(0, 1, 0) == 0.0


def test_macro_f1_missing_side_counts_against() -> None:
    pairs = [("deinfluencing", "deinfluencing"), ("promoting", None), (None, "neutral")]
    # deinfluencing 1.0, promoting 0.0, neutral 0.0
    assert macro_f1(pairs) == pytest.approx(1 / 3)


def test_set_f1() -> None:
    assert set_f1({(0, "a"), (1, "b")}, {(0, "a")}) == pytest.approx(2 / 3)


def test_evaluate_and_confusion() -> None:
    labeled = [
        {
            "lang": "en",
            "label": {
                "stance": "deinfluencing",
                "targets": {"a": "deinfluencing"},
                "sponsored": True,
                "reasons": ["price"],
            },
        },
        {
            "lang": "da",
            "label": {"stance": "neutral", "targets": {}, "sponsored": False, "reasons": []},
        },
    ]
    predicted = [
        {
            "stance": "deinfluencing",
            "targets": {"a": "deinfluencing"},
            "sponsored": True,
            "reasons": ["price"],
        },
        {"stance": "promoting", "targets": {"b": "promoting"}, "sponsored": False, "reasons": []},
    ]
    report = evaluate(labeled, predicted)
    assert report.per_lang_macro_f1["en"] == 1.0 and report.per_lang_macro_f1["da"] == 0.0
    assert report.brand_f1 == pytest.approx(2 / 3, abs=1e-3)
    assert report.sponsored_f1 == 1.0 and report.reasons_f1 == 1.0
    assert report.confusion["neutral"]["promoting"] == 1
    assert confusion([])["neutral"] == {"deinfluencing": 0, "promoting": 0, "neutral": 0}


def test_length_mismatch() -> None:
    with pytest.raises(ValueError):
        evaluate([{"label": {"stance": "neutral"}}], [])
