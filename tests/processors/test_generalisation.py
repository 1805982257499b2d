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


@pytest.mark.parametrize("engine", ["python", "native"])
@pytest.mark.parametrize(
    ("text", "lang", "stance", "cue"),
    [
        # casual French drops the "ne" of a negation: each lexicon phrase with one also
        # matches without it (session 28: "ça vaut pas le coup" was read as neutral)
        ("réponse à @hugo : ça vaut pas le coup, la batterie meurt en 2 ans", "fr", D, "vaut pas le coup"),
        ("achetez pas ce sérum, il sert à rien", "fr", D, "achetez pas"),
        ("vaut pas son prix ce mascara", "fr", D, "vaut pas son prix"),
        ("ça ne vaut pas le coup", "fr", D, "ne vaut pas le coup"),  # the written form still
        ("ça vaut le coup, foncez", "fr", P, "vaut le coup"),  # no negation, no flip
        ("ça vaut pas mal le coup", "fr", P, "vaut pas mal le coup"),  # "pas mal": quite
        # German puts the negation after the verb: "lohnt sich" read as praise before
        ("antwort an @jonas: lohnt sich null. viel zu schwer", "de", D, "lohnt sich null"),
        ("lohnt sich überhaupt nicht, viel zu schwer", "de", D, "lohnt sich überhaupt nicht"),
        ("das lohnt sich, nicht nur für anfänger", "de", P, "lohnt sich"),  # "not only": praise
        ("lohnt sich kein bisschen", "de", D, "lohnt sich kein bisschen"),
        ("lohnt sich echt, holt sie euch", "de", P, "lohnt sich echt"),
        # "would (not) buy again", the review's verdict, in the languages that lacked it
        ("ich würde es nicht nochmal kaufen", "de", D, "nicht nochmal kaufen"),
        ("jeg ville ikke købe den igen", "da", D, "ikke købe den igen"),
        ("jeg ville købe den igen", "da", P, "ville købe den igen"),
        ("ik zou hem niet nog een keer kopen", "nl", D, "niet nog een keer kopen"),
        ("je le rachète pas", "fr", D, "je le rachète pas"),  # longer than the praise "je le rachète"
        ("je le rachète les yeux fermés", "fr", P, "je le rachète"),
        # a negator in the wildcard slot of a praise phrase: read as praise before
        ("würde nicht wieder kaufen", "de", D, "würde nicht wieder kaufen"),
        ("würde ich sofort wieder kaufen", "de", P, "würde * sofort wieder kaufen"),
        ("ik raad niet aan", "nl", D, "ik raad niet aan"),
        ("ik raad het aan", "nl", P, "ik raad * aan"),
        # a negator after the verb, closing the clause, negates the praise before it
        ("empfehle ich euch nicht", "de", D, "negated praise"),
        ("jeg anbefaler den ikke", "da", D, "negated praise"),
        ("je vous le conseille pas du tout", "fr", D, "negated praise"),
        ("die creme ist super und nicht teuer", "de", P, "super"),  # "nicht" negates "teuer"
        ("empfehle ich euch nicht nur", "de", P, "empfehl"),  # "not only"
        ("je vous le conseille, pas de regrets", "fr", P, "je vous le conseille"),  # next clause
        ("ik raad het niet aan", "nl", D, "raad het niet aan"),
        ("hat sich nicht gelohnt", "de", D, "nicht gelohnt"),
        ("den er ikke det værd", "da", D, "ikke det værd"),
        # the basic directives and "changed my life", missing in some languages
        ("no te lo compres", "es", D, "no te lo compres"),
        ("no os la compréis", "es", D, "no os la compréis"),
        ("sí, cómprate una freidora de aire", "es", P, "cómprate"),
        ("achète-le", "fr", P, "achète-le"),
        ("kauft euch das", "de", P, "kauft euch das"),
        ("kauft euch das nicht", "de", D, "negated praise"),
        ("klar, kauf dir für 80 € einen adventskalender 🙄", "de", D, "🙄"),  # sarcasm, no object
        ("koop hem nu", "nl", P, "koop hem nu"),
        ("hype of niet, ik koop ze gewoon weer", "nl", N, None),  # "of niet" negates no purchase
        ("heeft mijn leven veranderd", "nl", P, "heeft mijn leven veranderd"),
        ("har ændret mit liv", "da", P, "har ændret mit liv"),
        ("ça a changé ma vie", "fr", P, "a changé ma vie"),
    ],
)
def test_negation_after_the_verb(data_dir, engine: str, text: str, lang: str, stance: str, cue: str | None) -> None:
    from deinfluence.processors import native
    from deinfluence.processors.classify import RuleClassifier

    if engine == "native" and not native.AVAILABLE:
        pytest.fail("the native engine is not built (make install)")
    clf = RuleClassifier(data_dir / "brands-eval.yaml", engine=engine, fallback="off")
    out = classify(clf, text, lang)
    assert out["stance"] == stance, out["cues"]
    assert cue is None or cue in out["cues"], out["cues"]


def test_the_informal_variant_never_replaces_a_phrase_of_its_own() -> None:
    from deinfluence.processors.lexicon import _without_ne, cue_entries

    entries = dict(cue_entries("fr"))
    assert _without_ne(("ne", "vaut", "pas")) == ("vaut", "pas")
    assert _without_ne(("n", "oublie", "pas")) == ("oublie", "pas")
    assert _without_ne(("ne", "regrette")) is None  # no partner: not a negation
    assert _without_ne(("vaut", "le", "coup")) is None
    assert entries[("vaut", "le", "coup")].kind == "good"
    assert entries[("vaut", "pas", "le", "coup")].kind == "stop"
    assert ("vaut", "pas", "le", "coup") not in dict(cue_entries("de"))  # French only


def test_a_negator_in_a_praise_wildcard_makes_a_verdict_of_its_own() -> None:
    from deinfluence.processors.lexicon import Cue, _negated_slots, cue_entries

    praise = Cue("good", 1, 1.0, -1, (), "würde * wieder kaufen")
    slots = _negated_slots(("würde", "*", "wieder", "kaufen"), praise, frozenset(["nicht", "nie"]))
    assert slots == [("würde", "nicht", "wieder", "kaufen"), ("würde", "nie", "wieder", "kaufen")]
    assert _negated_slots(("würde", "*", "*", "kaufen"), praise, frozenset(["nicht"])) == []  # two slots
    stop = Cue("stop", -1, 2.0, 1, (), "müsst euch * nicht")
    assert _negated_slots(("müsst", "euch", "*", "nicht"), stop, frozenset(["nicht"])) == []  # not praise
    entries = dict(cue_entries("de"))
    assert entries[("würde", "nicht", "wieder", "kaufen")].polarity < 0
    assert entries[("würde", "*", "wieder", "kaufen")].polarity > 0
