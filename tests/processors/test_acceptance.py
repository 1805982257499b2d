"""Acceptance figures of issue #3 on the labeled dev set, and a floor on our own held-out set."""

from __future__ import annotations

from pathlib import Path

import pytest

from deinfluence.processors.evaluation import Report, evaluate
from tests.processors.conftest import REPO, read_jsonl, unlabeled


@pytest.fixture(scope="module")
def dev_report(eval_classifier, dev_rows) -> Report:
    return evaluate(dev_rows, eval_classifier.classify_batch(unlabeled(dev_rows)))


def test_dev_post_macro_f1(dev_report: Report) -> None:
    assert dev_report.post_macro_f1 >= 0.90


def test_dev_per_target_macro_f1(dev_report: Report) -> None:
    assert dev_report.target_macro_f1 >= 0.85


def test_dev_sponsored_f1(dev_report: Report) -> None:
    assert dev_report.sponsored_f1 >= 0.95


@pytest.mark.parametrize("lang", ["en", "da", "nl", "de", "es", "fr"])
def test_dev_per_language_macro_f1(dev_report: Report, lang: str) -> None:
    assert dev_report.per_lang_macro_f1[lang] >= 0.80


def test_dev_reasons_and_brands(dev_report: Report) -> None:
    assert dev_report.brand_f1 >= 0.95
    assert dev_report.reasons_f1 >= 0.80


def test_heldout_set_is_large_and_covers_six_languages() -> None:
    rows = read_jsonl(REPO / "data" / "heldout.jsonl")
    langs = {r["lang"] for r in rows}
    assert len(rows) >= 120 and langs == {"en", "da", "nl", "de", "es", "fr"}


def test_heldout_floor(eval_classifier, data_dir: Path) -> None:
    """Never tuned on: a regression floor well below the figures README reports."""
    rows = read_jsonl(REPO / "data" / "heldout.jsonl")
    report = evaluate(rows, eval_classifier.classify_batch(unlabeled(rows)))
    assert report.post_macro_f1 >= 0.75
    assert report.sponsored_f1 >= 0.85


def test_paraphrase_dev_floor(eval_classifier, data_dir: Path) -> None:
    """The varied paraphrase set (docs/CLASSIFIER.md): a floor on generalisation gains."""
    rows = read_jsonl(REPO / "data" / "paraphrase-dev.jsonl")
    assert len(rows) >= 300
    assert all(
        sum(r["lang"] == lang for r in rows) >= 50 for lang in ("en", "da", "nl", "de", "es", "fr")
    )
    report = evaluate(rows, eval_classifier.classify_batch(unlabeled(rows)))
    assert report.post_macro_f1 >= 0.85
    assert report.reasons_f1 >= 0.55


@pytest.mark.parametrize(("name", "per_lang"), [("fresh-dev", 50), ("fresh-test", 25)])
def test_fresh_sets_cover_six_languages(name: str, per_lang: int) -> None:
    rows = read_jsonl(REPO / "data" / f"{name}.jsonl")
    assert all(sum(r["lang"] == lang for r in rows) == per_lang for lang in ("en", "da", "nl", "de", "es", "fr"))


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("fresh-dev", 0.88),  # tuned on in session 25 (docs/CLASSIFIER.md): under its 0.965
        ("fresh-test", 0.80),  # blind, never looked at: 0.802 rules alone, 0.840 with the fallback
        ("heldout-blind", 0.85),  # blind: 0.826 rules alone, 0.910 with the fallback
    ],
)
def test_fresh_set_floor(eval_classifier, data_dir: Path, name: str, floor: float) -> None:
    rows = read_jsonl(REPO / "data" / f"{name}.jsonl")
    report = evaluate(rows, eval_classifier.classify_batch(unlabeled(rows)))
    assert report.post_macro_f1 >= floor
