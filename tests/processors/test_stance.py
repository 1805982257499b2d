"""Hard cases of LABELING.md, written fresh (not copied from the dev set), across languages."""

from __future__ import annotations

import pytest

D, P, N = "deinfluencing", "promoting", "neutral"


def classify(clf, text: str, lang: str | None = "en") -> dict:
    post = {
        "post_id": "t",
        "platform": "tiktok",
        "created_at": "2026-11-01T00:00:00Z",
        "text": text,
    }
    if lang:
        post["lang"] = lang
    return clf.classify_batch([post])[0]


@pytest.mark.parametrize(
    ("text", "lang", "stance"),
    [
        ("Please don't buy the Owala, mine cracked within a week", "en", D),
        ("I'm obsessed with my Owala, genuinely worth every penny", "en", P),
        ("What even is deinfluencing and why is everyone talking about it?", "en", N),
        ("Brands should pay attention: #deinfluencing is changing how people shop", "en", N),
        ("Is the Dyson Airwrap worth it for thick hair?", "en", N),
        ("I was going to deinfluence the Glossier balm but honestly it's worth it", "en", P),
        ("I can't not recommend this CeraVe cleanser", "en", P),
        ("Not saying don't buy the Tatcha cream, but wait for a sale", "en", D),
        ("Sure, spend $90 on a Lululemon belt bag, very normal 🙄", "en", D),
        ("Køb ikke den nye iPhone, din gamle virker fint", "da", D),
        ("Jeg kan varmt anbefale Uniqlo jakken", "da", P),
        ("Koop dit niet, zonde van je geld", "nl", D),
        ("Echt een aanrader, die HEMA sokken", "nl", P),
        ("Kauft das nicht, spart euch das Geld", "de", D),
        ("Absolute Kaufempfehlung für die Hoka Schuhe", "de", P),
        ("No lo compres, ahorra tu dinero", "es", D),
        ("Os lo recomiendo, me encanta este sérum de Mercadona", "es", P),
        ("Ne l'achetez pas, gardez votre argent", "fr", D),
        ("Je vous recommande ce blush Rare Beauty, un indispensable", "fr", P),
        ("Primark opens a new store in Madrid next month, according to the company", "en", N),
    ],
)
def test_post_stance(default_classifier, text: str, lang: str, stance: str) -> None:
    assert classify(default_classifier, text, lang)["stance"] == stance


@pytest.mark.parametrize(
    ("text", "lang", "targets"),
    [
        ("Don't buy the Stanley cup, get the Owala instead", "en", {"stanley": D, "owala": P}),
        (
            "Skip Charlotte Tilbury, e.l.f. does the same for a fraction of the price",
            "en",
            {"charlotte_tilbury": D, "elf": P},
        ),
        (
            "Drop Dyson, køb hellere Shark FlexStyle til halvdelen af prisen",
            "da",
            {"dyson": D, "shark": P},
        ),
        ("Spart euch Olaplex, die Kur von dm ist genauso gut", "de", {"olaplex": D, "dm": P}),
        (
            "No gastes en Sol de Janeiro, la crema de Mercadona hace lo mismo",
            "es",
            {"sol_de_janeiro": D, "mercadona": P},
        ),
    ],
)
def test_redirect_targets(default_classifier, text: str, lang: str, targets: dict) -> None:
    out = classify(default_classifier, text, lang)
    assert out["stance"] == D
    assert out["targets"] == targets


def test_comparison_without_verdict_is_neutral_for_both(default_classifier) -> None:
    out = classify(
        default_classifier, "Nike vs Adidas running shoes: both fine, depends on your feet"
    )
    assert out["stance"] == N and out["targets"] == {"nike": N, "adidas": N}


def test_reasons_only_when_deinfluencing(default_classifier) -> None:
    neg = classify(
        default_classifier, "Don't buy the Dyson Airwrap, it's overpriced and broke after a month"
    )
    pos = classify(default_classifier, "The Dyson Airwrap is expensive but worth every penny")
    assert neg["reasons"] == ["price", "quality"]
    assert pos["reasons"] == []


def test_confidence_and_cues_explain(default_classifier) -> None:
    out = classify(default_classifier, "Save your money, the Stanley is overhyped")
    assert 0.5 < out["confidence"] <= 1.0
    assert "save your money" in out["cues"]
