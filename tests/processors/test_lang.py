"""Language detection when a post has no ``lang``."""

from __future__ import annotations

import pytest

from deinfluence.processors.lang import detect_lang, normalize_lang
from deinfluence.processors.tokens import tokenize
from tests.processors.conftest import unlabeled


def detect(text: str) -> str:
    return detect_lang(tokenize(text), text.lower())


def test_accuracy_on_dev_texts_without_lang(eval_classifier, dev_rows) -> None:
    posts = [{k: v for k, v in p.items() if k != "lang"} for p in unlabeled(dev_rows)]
    out = eval_classifier.classify_batch(posts)
    correct = sum(o["lang"] == r["lang"] for o, r in zip(out, dev_rows, strict=True))
    assert correct / len(dev_rows) >= 0.95


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I honestly think this is the best thing I have bought all year", "en"),
        ("Jeg har aldrig været så glad for en jakke, den er helt perfekt", "da"),
        ("Ik heb het gisteren gekocht en het is echt niet goed", "nl"),
        ("Ich habe das gestern gekauft und es ist wirklich nicht gut", "de"),
        ("Lo compré ayer y la verdad es que no me gusta nada", "es"),
        ("Je l'ai acheté hier et franchement je ne suis pas convaincue", "fr"),
        ("東京で買ったコスメがすごく良かった", "und"),
        ("هذا المنتج رائع جدا", "und"),
        ("", "und"),
        ("🔥🔥🔥", "und"),
    ],
)
def test_detect(text: str, lang: str) -> None:
    assert detect(text) == lang


@pytest.mark.parametrize(
    ("hint", "expected"), [("en-US", "en"), ("DA", "da"), ("", None), (None, None), (7, None)]
)
def test_normalize_hint(hint: object, expected: str | None) -> None:
    assert normalize_lang(hint) == expected


def test_given_lang_is_kept(eval_classifier) -> None:
    out = eval_classifier.classify_batch([{"post_id": "1", "text": "køb ikke", "lang": "pt-BR"}])[0]
    assert out["lang"] == "pt"
