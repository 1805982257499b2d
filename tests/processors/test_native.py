"""The native engine (Rust, ``native/``) gives exactly the Python engine's output.

The Python code of ``processors`` is the reference; the native engine re-implements its
per-post loop. Every test here classifies the same posts with both and compares the whole
output dicts, key order included: the labeled sets, odd input, the generator's synthetic
stream, and texts hypothesis assembles from lexicon phrases, brand aliases, quotes,
punctuation and other scripts.
"""

from __future__ import annotations

import argparse
import functools
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deinfluence.cli.generate_cmd import build_generator
from deinfluence.processors import native
from deinfluence.processors.classify import RuleClassifier
from deinfluence.processors.learned import Fallback, load_fallback
from deinfluence.processors.lexicon import LANGUAGES, cue_entries
from deinfluence.processors.stems import StemIndex
from deinfluence.processors.tokens import tokenize
from tests.processors.conftest import read_jsonl, unlabeled

REPO = Path(__file__).resolve().parents[2]

if not native.AVAILABLE:
    if os.environ.get("CI") == "true":
        pytest.fail("the native engine is not installed (make install builds it)", pytrace=False)
    pytest.skip("native engine not built (needs cargo; make install)", allow_module_level=True)


@pytest.fixture(scope="module", params=["eval", "default", "stance-head-only"])
def engines(request, data_dir: Path) -> tuple[RuleClassifier, RuleClassifier]:
    """Both engines: the eval or the default catalog with the packaged learned model, or the
    eval catalog with the packaged model's stance head alone (a session-26 model file)."""
    catalog = data_dir / "brands-eval.yaml" if request.param != "default" else None
    model = load_fallback("default")
    if request.param == "stance-head-only":
        model = Fallback(model.bits, model.ids, model.weights, model.bias, model.threshold)
    return (RuleClassifier(catalog, engine="python", fallback=model),
            RuleClassifier(catalog, engine="native", fallback=model))


def assert_same(engines: tuple[RuleClassifier, RuleClassifier], posts: list[dict[str, Any]]) -> None:
    python, fast = engines
    expected, got = python.classify_batch(posts), fast.classify_batch(posts)
    assert len(got) == len(expected)
    for want, have in zip(expected, got, strict=True):
        assert have == want and list(have) == list(want), want.get("text", "")[:300]
        assert type(have["confidence"]) is float


def test_auto_picks_native_and_names_the_engine() -> None:
    assert RuleClassifier().engine == "native"
    assert RuleClassifier(engine="python").engine == "python"
    with pytest.raises(ValueError, match="engine must be one of"):
        RuleClassifier(engine="gpu")


def test_labeled_sets(engines, data_dir: Path) -> None:
    files = [data_dir / "stance-dev.jsonl", *sorted((REPO / "data").glob("*.jsonl"))]
    assert len(files) >= 3
    for path in files:
        assert_same(engines, unlabeled(read_jsonl(path)))


def test_labeled_sets_without_lang_hints(engines, data_dir: Path) -> None:
    rows = unlabeled(read_jsonl(data_dir / "stance-dev.jsonl"))
    assert_same(engines, [{k: v for k, v in r.items() if k != "lang"} for r in rows])
    assert_same(engines, [{k: v for k, v in r.items() if k != "hashtags"} for r in rows])


def test_generated_stream(engines) -> None:
    args = argparse.Namespace(scenario=None, rate=None, posts=3000, days=None, seed=11,
                              labels=False, start="2026-11-01T00:00:00Z", brands=None)
    generator, _ = build_generator(args)
    assert_same(engines, list(generator.posts()))


ODD = [
    "",
    "🔥😍🙄💀" * 50,
    "\x00\x01\x07\x1b[31m don't\tbuy\r\n the \x7f Stanley \u200b\u2028\x1c\x1f",
    "لا تشتري هذا المنتج من زارا، إنه باهظ الثمن",
    "\u202eyelnatS yub t'nod\u202c",
    "この化粧品は買わないで。高すぎる！ #コスメ #ＤＹＳＯＮ #東京",
    "这个太贵了，别买 Dyson",
    "#" * 1000,
    "'" * 500 + '"' * 500,
    "e.l.f. h&m c++ [x]* (a|b) \\d+ $^ E.L.F. H&M",
    "\ud7ff\ue000\U0010ffff",
    ("Don't buy the Stanley cup, it leaks. " * 3000)[:100_000],
    "ΣΟΦΟΣ ΟΔΥΣΣΕΥΣ İSTANBUL ǅemal Straße ﬁne ＦＵＬＬＷＩＤＴＨ",
    "DM me, hm, dm haul bei dm, Normal koster 45 kr i Normal. Action en HEMA",
    "use code SIP15 for 15% off | kode EMMA20 | a code for you | código: 1234",
    "«Je ne l'achèterai pas» ‘don’t buy’ “skip it” 'not worth it' \"overhyped\"",
    "Is the Dyson Airwrap worth it?? I came to deinfluence this but honestly I love it",
    "नमस्ते दुनिया don't buy the Stanley मत खरीदो",
    "#StanleyCup #ＳＴＡＮＬＥＹ ＃deinfluencing #straße #İstanbul",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_input(engines, text: str) -> None:
    base = {"post_id": "x", "platform": "x", "created_at": "2026-11-01T00:00:00Z"}
    assert_same(engines, [{**base, "text": text}, {**base, "text": text, "lang": "de-AT"},
                          {**base, "text": text, "hashtags": ["#Foo", " #Bar ", "ß", 3, ""]},
                          {**base, "text": text, "hashtags": ("tuple",), "lang": " _x "}])


def test_non_string_and_missing_fields(engines) -> None:
    assert_same(engines, [{"post_id": "1"}, {"post_id": "2", "text": None},
                          {"post_id": "3", "text": 12345, "lang": 7, "hashtags": "not-a-list"},
                          {"post_id": "4", "text": "skip the Stanley", "stance": "kept?"},
                          {"post_id": "5", "text": "lone \ud800 surrogate: don't buy the Stanley"}])


def _vocabulary() -> list[str]:
    """Pieces posts are made of: lexicon phrases of every language, stems, aliases, noise."""
    words: set[str] = set()
    for lang in (*LANGUAGES, "und"):
        words.update(" ".join(toks) for toks, _ in cue_entries(lang)[::7])
        stems = StemIndex(lang)
        words.update(list(stems.prefixes)[::5])
        words.update(s + "ed" for s in list(stems.prefixes)[::11])
    aliases = [" ".join(toks) for toks, _ in RuleClassifier(engine="python").catalog.alias_entries()]
    words.update(aliases[::3])
    words.update(a.title() for a in aliases[::9])
    words.update(a.upper() for a in aliases[::13])
    return sorted(words)


VOCAB = _vocabulary()
NOISE = [".", ",", "!", "?", "...", "…", ":", ";", "-", "—", "(", ")", "'", '"', "“", "”", "«",
         "»", "‘", "’", "\n", "#", "$", "€49", "4.000", "9,99", "🔥", "😍", "✅", "I", "my", "but",
         "not", "never", "ikke", "niet", "nicht", "no", "pas", "the", "DM", "Normal", "hm",
         "haul", "code SIP15", "#ad", "#NotAnAd", "東京", "İ", "Σ", "ß", "\u0301", "e.l.f."]


@st.composite
def posts(draw) -> dict[str, Any]:
    pieces = draw(st.lists(st.sampled_from(VOCAB + NOISE * 3), min_size=0, max_size=40))
    seps = draw(st.lists(st.sampled_from([" ", " ", "", "  ", "\t", ", ", "'", "\""]),
                         min_size=len(pieces), max_size=len(pieces)))
    text = "".join(p + s for p, s in zip(pieces, seps, strict=True))
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.title()
    post: dict[str, Any] = {"post_id": "h", "text": text}
    if draw(st.booleans()):
        post["lang"] = draw(st.sampled_from([*LANGUAGES, "pt", "EN-us", "xx-yy", "", "12"]))
    if draw(st.booleans()):
        post["hashtags"] = draw(st.lists(st.sampled_from(["deinfluencing", "#Stanley", "ad",
                                                           "ＳＴＡＮＬＥＹ", "straße", "", "x y"]),
                                         max_size=4))
    return post


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(posts(), min_size=1, max_size=5))
def test_generated_texts(engines, batch: list[dict[str, Any]]) -> None:
    assert_same(engines, batch)


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.characters(codec="utf-8"), max_size=200)
       | st.text(alphabet=" '\"‘’“”«»abcXYZ_.,!?\n\t#0123é", max_size=120))
def test_tokenizer(text: str) -> None:
    assert _native_default()._native.tokenize(text) == tokenize(text)


@functools.cache
def _native_default() -> RuleClassifier:
    return RuleClassifier(engine="native")
