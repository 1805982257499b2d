"""Mechanisms that let the rules reach phrasings they were not written for (fresh sentences)."""

from __future__ import annotations

import pytest

from deinfluence.processors.stems import StemIndex
from tests.processors.test_stance import classify

D, P, N = "deinfluencing", "promoting", "neutral"


@pytest.mark.parametrize(
    ("lang", "token", "kind"),
    [
        ("de", "überbewertete", "bad"),
        ("nl", "teruggestuurde", "bad"),
        ("es", "devolvérselo", "bad"),
        ("fr", "fissurée", "flaw"),
        ("da", "overvurderede", "bad"),
        ("en", "overhyped", "bad"),
        ("de", "bestellung", None),  # "beste" is whole-word only: no praise inside "bestellen"
        ("es", "rotación", None),  # "roto" is whole-word only
    ],
)
def test_stems_match_inflections_only_from_the_start(
    lang: str, token: str, kind: str | None
) -> None:
    cue = StemIndex(lang).lookup(token)
    assert (cue.kind if cue else None) == kind


def test_stem_inside_a_brand_alias_is_not_a_cue(eval_classifier) -> None:
    out = classify(
        eval_classifier, "ny video: charlotte tilbury flawless filter på begge kinder", "da"
    )
    assert out["stance"] == N


@pytest.mark.parametrize(
    ("text", "lang", "stance"),
    [
        ("Meine Owala Flasche ist nach drei Wochen undicht geworden", "de", D),
        ("Mijn Crocs zijn na een maand al verkleurd", "nl", D),
        ("Die neue Owala Farbe ist undicht? Weiß das jemand?", "de", N),
        ("Heute war alles normal, nichts Besonderes passiert", "de", N),
    ],
)
def test_a_lone_reported_flaw_about_a_purchase(
    eval_classifier, text: str, lang: str, stance: str
) -> None:
    assert classify(eval_classifier, text, lang)["stance"] == stance


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("mes cheveux n'ont jamais été aussi doux depuis Olaplex", "fr"),
        (
            "mis labios nunca habían tenido este aspecto, nunca había tenido unos labios así, gracias Laneige",
            "es",
        ),
    ],
)
def test_praise_that_carries_its_own_negation_is_not_flipped(
    eval_classifier, text: str, lang: str
) -> None:
    assert classify(eval_classifier, text, lang)["stance"] != D


def test_a_price_comparison_with_an_alternative_redirects(eval_classifier) -> None:
    out = classify(
        eval_classifier,
        "80 euro voor een Tatcha crème, terwijl die van Kruidvat net zo goed is",
        "nl",
    )
    assert out["stance"] == D
    assert out["targets"]["tatcha"] == D
    assert "price" in out["reasons"]
