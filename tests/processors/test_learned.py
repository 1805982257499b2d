"""The learned fallback (processors/learned.py): features, the model file, where the
classifier asks it, that the packaged model is what its training sets give, and that the
method generalises to writers it was not trained on."""

from __future__ import annotations

import math
import zlib
from array import array
from pathlib import Path

import numpy as np  # a dev dependency (pyproject's dev extra), as for train-fallback
import pytest

from deinfluence.cli import main
from deinfluence.processors.classify import RuleClassifier
from deinfluence.processors.evaluation import evaluate
from deinfluence.processors.learned import (
    DEFAULT_MODEL,
    LEARNED_CUE,
    Fallback,
    FallbackError,
    ReasonHead,
    buckets,
    grams,
    load_fallback,
)
from deinfluence.processors.learned_train import train
from deinfluence.processors.reasons import REASONS
from deinfluence.processors.tokens import tokenize
from tests.processors.conftest import REPO, read_jsonl, unlabeled

SETS_FILE = REPO / "data" / "fallback-sets.txt"
WRITERS = (  # the independent writer sets, sessions 26 to 28
    "writer-short", "writer-reviews", "writer-hard", "writer-beyond", "writer-feed", "writer-why",
    "writer-compare", "writer-life", "writer-quiet", "writer-long", "writer-redirect",
    "writer-reply", "writer-caption",
)
# the writer sets a model without any writer set may lift by less than 0.02, and its floor there
SMALL_GAINS = {"writer-life": -0.02, "writer-caption": 0.0}


def training_files(data_dir: Path) -> list[Path]:
    """data/fallback-sets.txt, with ``../shared/data/`` resolved to the shared data dir."""
    out = []
    for line in SETS_FILE.read_text().splitlines():
        name = line.strip()
        if name and not name.startswith("#"):
            shared = name.startswith("../shared/data/")
            out.append(data_dir / name.removeprefix("../shared/data/") if shared else REPO / name)
    return out


def train_command(paths: list[Path], out: Path) -> Fallback:
    """``deinfluence train-fallback PATHS --out OUT`` (what ``make fallback-model`` runs)."""
    assert main(["train-fallback", *map(str, paths), "--out", str(out)]) == 0
    return Fallback.load(out)


def test_grams_are_words_padded_char_ngrams_and_bigrams() -> None:
    got = set(grams(["ok", "qqquoteopenqq", "!"]))
    assert got == {"w ok", " o", "ok", "k ", " ok", "ok ", " ok ", "w !", " !", "! ", " ! ", "b ok !"}
    assert buckets(["ok"], 8) == sorted({zlib.crc32(g.encode()) & 0xFF for g in grams(["ok"])})


def tiny_model(reasons: bool = True) -> Fallback:
    return train([tokenize("don't buy it, too pricey"), tokenize("love it, buy it"), tokenize("what is it"),
                  tokenize("skip it, it broke")], ["deinfluencing", "promoting", "neutral", "deinfluencing"],
                 [["price"], [], [], ["quality"]] if reasons else None, bits=10, iterations=20)


def test_model_file_round_trip_and_errors(tmp_path: Path) -> None:
    model = tiny_model()
    assert model.reasons is not None and len(model.reasons.bias) == len(REASONS)
    path = tmp_path / "m.bin"
    model.save(path)
    again = Fallback.load(path)
    assert (again.bits, list(again.ids), list(again.weights), again.bias, again.threshold) == (
        model.bits, list(model.ids), list(model.weights), model.bias, model.threshold)
    assert again.reasons is not None
    assert (list(again.reasons.ids), list(again.reasons.weights), again.reasons.bias, again.reasons.threshold) == (
        list(model.reasons.ids), list(model.reasons.weights), model.reasons.bias, model.reasons.threshold)
    found = again.features(tokenize("don't buy it, really"))
    assert again.probabilities(found) == model.probabilities(found)
    assert again.reasons.probabilities(found) == model.reasons.probabilities(found)
    assert again.learned_reasons(found) == model.learned_reasons(found)
    # a model without a reason head is written in session 26's format, which still loads
    stance_only = tiny_model(reasons=False)
    assert stance_only.reasons is None and stance_only.learned_reasons(found) == []
    stance_only.save(tmp_path / "s26.bin")
    assert zlib.decompress((tmp_path / "s26.bin").read_bytes())[:8] == b"DIFALLB1"
    assert Fallback.load(tmp_path / "s26.bin").reasons is None
    raw = bytearray(zlib.decompress(path.read_bytes()))
    raw[32:36] = (6).to_bytes(4, "little")  # the reason head's count of reasons
    (tmp_path / "six.bin").write_bytes(zlib.compress(bytes(raw)))
    with pytest.raises(FallbackError, match="reason head of 6 reasons"):
        Fallback.load(tmp_path / "six.bin")
    with pytest.raises(FallbackError, match="cannot read"):
        Fallback.load(tmp_path / "missing.bin")
    (tmp_path / "bad.bin").write_bytes(zlib.compress(b"NOTAMODEL" + bytes(40)))
    with pytest.raises(FallbackError, match="not a deinfluence fallback model"):
        Fallback.load(tmp_path / "bad.bin")
    (tmp_path / "short.bin").write_bytes(zlib.compress(zlib.decompress(path.read_bytes())[:-4]))
    with pytest.raises(FallbackError, match="truncated"):
        Fallback.load(tmp_path / "short.bin")
    assert load_fallback("off") is None and load_fallback(None) is None
    assert load_fallback("default") is load_fallback("default")


def test_train_rejects_unknown_labels() -> None:
    with pytest.raises(ValueError, match="unknown stance"):
        train([["a"]], ["angry"])
    with pytest.raises(ValueError, match="unknown reasons: boredom"):
        train([["a"]], ["deinfluencing"], [["boredom"]])


def test_reason_probabilities_are_the_logistic_function_of_the_scores() -> None:
    head = ReasonHead(array("I", [3, 7]), array("f", [0.5] * 7 + [-2.0] * 7), [0.25] * 7, 0.5)
    v = 1 / math.sqrt(2)
    assert head.probabilities([3, 7, 9]) == pytest.approx([1 / (1 + math.exp(-(-1.5 / math.sqrt(3) + 0.25)))] * 7)
    assert head.probabilities([3, 9]) == pytest.approx([1 / (1 + math.exp(-(0.5 * v + 0.25)))] * 7)
    assert head.pick([3, 9]) == list(REASONS) and head.pick([7, 9]) == []
    assert head.probabilities([]) == pytest.approx([1 / (1 + math.exp(-0.25))] * 7)
    extreme = ReasonHead(array("I", [1]), array("f", [-1000.0] * 7), [0.0] * 7, 0.5)
    assert extreme.probabilities([1]) == [0.0] * 7  # no overflow in exp
    for weight in (2.0**10, float("nan"), float("inf")):
        with pytest.raises(FallbackError, match="not finite or not below"):
            ReasonHead(array("I", [1]), array("f", [weight] * 7), [0.0] * 7, 0.5)
        with pytest.raises(FallbackError, match="not finite or not below"):
            Fallback(8, array("I", [1]), array("f", [weight] * 3), (0.0, 0.0, 0.0), 0.5)


class Ethics(ReasonHead):
    """A reason head that always names ethics."""

    def __init__(self) -> None:
        super().__init__(array("I"), array("f"), [0.0] * 7, 0.5)

    def pick(self, found):
        return ["ethics"]


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("don't buy this cup, save your money", ["price", "ethics"]),  # joins the rules' reasons
        ("skip this cup", ["ethics"]),
        ("obsessed with this cup", []),  # only de-influencing posts have reasons
        ("is this cup any good?", []),
    ],
)
def test_reason_head_adds_to_de_influencing_posts_only(text: str, reasons: list[str]) -> None:
    model = Fallback(8, array("I"), array("f"), (0.0, 0.0, 0.0), 0.99, Ethics())
    got = RuleClassifier(engine="python", fallback=model).classify_post({"post_id": "x", "text": text, "lang": "en"})
    assert got["reasons"] == reasons
    off = RuleClassifier(engine="python", fallback="off").classify_post({"post_id": "x", "text": text, "lang": "en"})
    assert {k: v for k, v in got.items() if k != "reasons"} == {k: v for k, v in off.items() if k != "reasons"}


class Always(Fallback):
    """A fallback that counts its calls and always answers promoting, 0.876."""

    __slots__ = ("calls",)

    def __init__(self) -> None:
        super().__init__(8, array("I"), array("f"), (0.0, 0.0, 0.0), 0.5)
        self.calls = 0

    def judge(self, found):
        self.calls += 1
        return "promoting", 0.876


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("picked up a new cup at the weekend", True),  # no cue at all
        ("is this cup any good?", True),  # only a question
        ("brands should listen to the deinfluencing trend", False),  # commentary: the rules' own neutral
        ("don't buy this cup", False),  # the rules decided
        ("obsessed with this cup", False),
    ],
)
def test_fallback_is_asked_only_when_the_rules_have_no_evidence(text: str, asked: bool) -> None:
    post = {"post_id": "x", "text": text, "lang": "en"}
    rules = RuleClassifier(engine="python", fallback="off").classify_post(post)
    fallback = Always()
    got = RuleClassifier(engine="python", fallback=fallback).classify_post(post)
    assert bool(fallback.calls) is asked, rules["cues"]
    if asked:
        assert rules["stance"] == "neutral"
        assert (got["stance"], got["confidence"], got["cues"][0]) == ("promoting", 0.876, LEARNED_CUE)
    else:
        assert got == rules


def test_a_post_the_fallback_decides_carries_its_cue_and_brand_targets(data_dir: Path) -> None:
    clf = RuleClassifier(data_dir / "brands-eval.yaml", engine="python")
    rows = [r for name in WRITERS for r in read_jsonl(REPO / "data" / f"{name}.jsonl")]
    decided = [p for p in clf.classify_batch(unlabeled(rows)) if LEARNED_CUE in p["cues"]]
    assert decided, "the packaged model decides some posts of the writer sets"
    for p in decided:
        assert p["cues"][0] == LEARNED_CUE and p["stance"] != "neutral"
        assert 0.5 <= p["confidence"] <= 0.99
    # brands take the decided stance by the rules' target logic: a brand with a cue of its own
    # keeps the rules' verdict (one post of writer-compare: a negated "vale lo que cuesta" the
    # rules read as praise for Sol de Janeiro), every other brand follows the post
    verdicts = [(v, p["stance"]) for p in decided for v in p["targets"].values()]
    assert sum(v == stance for v, stance in verdicts) >= 0.9 * len(verdicts), verdicts
    off = RuleClassifier(data_dir / "brands-eval.yaml", engine="python", fallback="off")
    assert not any(LEARNED_CUE in p["cues"] for p in off.classify_batch(unlabeled(rows)))


def test_packaged_model_is_what_its_training_sets_give(data_dir: Path, tmp_path: Path) -> None:
    """``make fallback-model`` reproduces processors/data/fallback.bin from data/fallback-sets.txt."""
    blind = {"fresh-test.jsonl", "heldout-blind.jsonl"}
    assert blind.isdisjoint(p.name for p in training_files(data_dir))
    retrained = train_command(training_files(data_dir), tmp_path / "fallback.bin")
    packaged = Fallback.load(DEFAULT_MODEL)
    assert packaged.bits == retrained.bits and packaged.threshold == retrained.threshold
    assert list(packaged.ids) == list(retrained.ids)
    assert np.allclose(np.array(packaged.weights), np.array(retrained.weights), atol=1e-4)
    assert np.allclose(packaged.bias, retrained.bias, atol=1e-4)
    assert packaged.reasons is not None and retrained.reasons is not None
    assert packaged.reasons.threshold == retrained.reasons.threshold
    assert list(packaged.reasons.ids) == list(retrained.reasons.ids)
    assert np.allclose(np.array(packaged.reasons.weights), np.array(retrained.reasons.weights), atol=1e-4)
    assert np.allclose(packaged.reasons.bias, retrained.reasons.bias, atol=1e-4)


def test_method_generalises_to_writers_it_was_not_trained_on(data_dir: Path, tmp_path: Path) -> None:
    """Trained without any of the thirteen writer sets (on the other 1,143 posts), the model
    lifts them: post macro-F1 +0.062, +0.046, +0.058, +0.034, +0.135, +0.085, +0.073, -0.015,
    +0.156, +0.027, +0.072, +0.020, +0.006 in session 28 (mean +0.058; writer-reply gained +0.029
    before this session's lexicon changes let the rules read more of it themselves). Two sets gain less than
    0.02, and only they may (``SMALL_GAINS``, each with its floor): writer-life, mostly neutral
    chatter about brands, which a model trained on the base sets alone reads as polar more often
    (trained on the other writers as well it gains, 0.759 -> 0.792 when the set arrived), and
    writer-caption, where the rules alone already reach 0.867 (+0.066 with the model of session
    27, which had seen ten writer sets). The reason head lifts every set's reasons F1 (+0.004 to
    +0.085, mean +0.054)."""
    without = [p for p in training_files(data_dir) if p.stem not in WRITERS]
    model = train_command(without, tmp_path / "without-writers.bin")
    catalog = data_dir / "brands-eval.yaml"
    rules = RuleClassifier(catalog, fallback="off")
    stance_only = RuleClassifier(catalog, fallback=Fallback(model.bits, model.ids, model.weights, model.bias,
                                                           model.threshold))
    both = RuleClassifier(catalog, fallback=model)
    gains, reason_gains = [], []
    for name in WRITERS:
        rows = read_jsonl(REPO / "data" / f"{name}.jsonl")
        before = evaluate(rows, rules.classify_batch(unlabeled(rows)))
        middle = evaluate(rows, stance_only.classify_batch(unlabeled(rows)))
        after = evaluate(rows, both.classify_batch(unlabeled(rows)))
        gains.append(after.post_macro_f1 - before.post_macro_f1)
        assert after.post_macro_f1 >= before.post_macro_f1 - 0.02, (name, before, after)
        assert after.post_macro_f1 == middle.post_macro_f1  # the reason head changes reasons only
        reason_gains.append(after.reasons_f1 - middle.reasons_f1)
        assert after.reasons_f1 > middle.reasons_f1, (name, middle.reasons_f1, after.reasons_f1)
    below = {name: g for name, g in zip(WRITERS, gains, strict=True) if g < 0.02}
    assert set(below) <= set(SMALL_GAINS), below
    assert all(g >= SMALL_GAINS[name] for name, g in below.items()), below
    assert sum(gains) / len(gains) >= 0.05, gains
    assert sum(reason_gains) / len(reason_gains) >= 0.03, reason_gains
