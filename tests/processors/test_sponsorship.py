"""Sponsorship disclosure in six languages, affiliate codes, and negated disclosures."""

from __future__ import annotations

import pytest

from deinfluence.processors.sponsorship import has_affiliate_code


def sponsored(clf, text: str, lang: str) -> bool:
    return clf.classify_batch([{"post_id": "s", "text": text, "lang": lang}])[0]["sponsored"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("#ad my favourite moisturizer this winter", "en"),
        ("Paid partnership with a skincare brand, here is my routine", "en"),
        ("PR package unboxing, thank you!", "en"),
        ("#reklame min nye yndlingscreme", "da"),
        ("Reklame for et hudplejemærke: min rutine", "da"),
        ("In samenwerking met een merk laat ik jullie mijn favorieten zien", "nl"),
        ("Dit bericht is gesponsord", "nl"),
        ("#werbung meine Lieblingscreme", "de"),
        ("Bezahlte Partnerschaft: meine Routine", "de"),
        ("Colaboración pagada con una marca de maquillaje", "es"),
        ("#publicidad mi crema favorita", "es"),
        ("Collaboration commerciale avec une marque de soin", "fr"),
        ("#sponsorisé ma crème préférée", "fr"),
        ("use code MIA15 for 15% off", "en"),
        ("brug min kode EMMA20 og få rabat", "da"),
        ("met de code LOTTE10 krijg je korting", "nl"),
        ("mit dem Code LENA20 spart ihr", "de"),
        ("con el código LUCIA10 tienes descuento", "es"),
        ("avec le code CHLOE15 vous avez -15%", "fr"),
    ],
)
def test_disclosures(default_classifier, text: str, lang: str) -> None:
    assert sponsored(default_classifier, text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("not sponsored, I just love this serum", "en"),
        ("customer service sent me a discount code for another one", "en"),
        ("this code is broken, the app crashes", "en"),
        ("my honest review after a month", "en"),
        ("ikke sponsoreret, bare glad", "da"),
        ("keine Werbung, selbst gekauft", "de"),
    ],
)
def test_not_disclosures(default_classifier, text: str, lang: str) -> None:
    assert not sponsored(default_classifier, text, lang)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("code SIP15", True),
        ("Code: GLOWUP", True),
        ("kode EMMA20", True),
        ("the code for", False),
        ("code 1", False),
        ("código 2024SALE", True),
    ],
)
def test_affiliate_code(text: str, expected: bool) -> None:
    assert has_affiliate_code(text) is expected
