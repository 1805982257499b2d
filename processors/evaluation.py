"""Metrics of classified posts against labeled ones (pure; used by ``deinfluence eval`` and tests).

- post-level macro-F1 over the three stances, overall and per language;
- per-target macro-F1 over (post, brand) pairs in gold or prediction (a brand missing on
  one side counts against the stance on the other);
- brand-mention F1 (micro, over (post, brand) pairs);
- sponsored F1 (positive class ``true``);
- reasons F1 (micro, over (post, reason) pairs);
- the confusion matrix of post stances (gold rows, predicted columns).

:func:`misses` lists the posts a run got wrong, for ``deinfluence eval --misses``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

STANCES = ("deinfluencing", "promoting", "neutral")


@dataclass(slots=True)
class Report:
    """All figures of one evaluation run."""

    posts: int
    post_macro_f1: float
    per_lang_macro_f1: dict[str, float]
    target_macro_f1: float
    brand_f1: float
    sponsored_f1: float
    reasons_f1: float
    confusion: dict[str, dict[str, int]]
    per_class_f1: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "posts": self.posts,
            "post_macro_f1": self.post_macro_f1,
            "per_lang_macro_f1": self.per_lang_macro_f1,
            "target_macro_f1": self.target_macro_f1,
            "brand_f1": self.brand_f1,
            "sponsored_f1": self.sponsored_f1,
            "reasons_f1": self.reasons_f1,
            "confusion": self.confusion,
            "per_class_f1": self.per_class_f1,
        }


def f1(tp: int, fp: int, fn: int) -> float:
    """F1 from counts; 1.0 when there is nothing to find and nothing was found."""
    if tp == 0:
        return 1.0 if fp == 0 and fn == 0 else 0.0
    return 2 * tp / (2 * tp + fp + fn)


def macro_f1(
    pairs: Iterable[tuple[str | None, str | None]], classes: Sequence[str] = STANCES
) -> float:
    """Macro-F1 over ``classes`` of (gold, predicted) pairs; ``None`` = absent on that side.

    Classes absent from both gold and prediction are left out of the average.
    """
    counts = {c: [0, 0, 0] for c in classes}
    for gold, pred in pairs:
        if gold == pred and gold in counts:
            counts[gold][0] += 1
            continue
        if pred in counts:
            counts[pred][1] += 1
        if gold in counts:
            counts[gold][2] += 1
    scores = [f1(*c) for c in counts.values() if any(c)]
    return sum(scores) / len(scores) if scores else 1.0


def per_class_f1(
    pairs: Sequence[tuple[str, str]], classes: Sequence[str] = STANCES
) -> dict[str, float]:
    """F1 of each class."""
    return {c: macro_f1(pairs, (c,)) for c in classes}


def set_f1(gold: Iterable[tuple[Any, ...]], pred: Iterable[tuple[Any, ...]]) -> float:
    """Micro-F1 of two sets of items."""
    g, p = set(gold), set(pred)
    return f1(len(g & p), len(p - g), len(g - p))


def evaluate(
    labeled: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> Report:
    """Compare classified posts with their labeled originals (same order, same length)."""
    if len(labeled) != len(predicted):
        raise ValueError(f"{len(labeled)} labeled posts but {len(predicted)} predictions")
    stance_pairs: list[tuple[str, str]] = []
    by_lang: dict[str, list[tuple[str, str]]] = {}
    target_pairs: list[tuple[str | None, str | None]] = []
    gold_brands: list[tuple[int, str]] = []
    pred_brands: list[tuple[int, str]] = []
    gold_reasons: list[tuple[int, str]] = []
    pred_reasons: list[tuple[int, str]] = []
    spons = [0, 0, 0]
    for i, (post, pred) in enumerate(zip(labeled, predicted, strict=True)):
        label = post["label"]
        pair = (label["stance"], pred["stance"])
        stance_pairs.append(pair)
        by_lang.setdefault(str(post.get("lang") or pred.get("lang") or "und"), []).append(pair)
        gt, pt = label.get("targets") or {}, pred.get("targets") or {}
        target_pairs.extend((gt.get(b), pt.get(b)) for b in sorted(set(gt) | set(pt)))
        gold_brands.extend((i, b) for b in gt)
        pred_brands.extend((i, b) for b in pt)
        gold_reasons.extend((i, r) for r in label.get("reasons") or ())
        pred_reasons.extend((i, r) for r in pred.get("reasons") or ())
        g, p = bool(label.get("sponsored")), bool(pred.get("sponsored"))
        spons[0] += g and p
        spons[1] += p and not g
        spons[2] += g and not p
    return Report(
        posts=len(labeled),
        post_macro_f1=round(macro_f1(stance_pairs), 4),
        per_lang_macro_f1={k: round(macro_f1(v), 4) for k, v in sorted(by_lang.items())},
        target_macro_f1=round(macro_f1(target_pairs), 4),
        brand_f1=round(set_f1(gold_brands, pred_brands), 4),
        sponsored_f1=round(f1(*spons), 4),
        reasons_f1=round(set_f1(gold_reasons, pred_reasons), 4),
        confusion=confusion(stance_pairs),
        per_class_f1={k: round(v, 4) for k, v in per_class_f1(stance_pairs).items()},
    )


def confusion(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Gold stance -> predicted stance -> count."""
    counts = Counter(pairs)
    return {g: {p: counts[(g, p)] for p in STANCES} for g in STANCES}


def misses(
    labeled: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Every post whose stance, targets or sponsorship differ from its label: its id, language
    and text, the label and the prediction (with the ``cues`` that decided), in input order.
    Reasons alone do not make a miss (they are scored as a set, see :func:`evaluate`)."""
    if len(labeled) != len(predicted):
        raise ValueError(f"{len(labeled)} labeled posts but {len(predicted)} predictions")
    out: list[dict[str, Any]] = []
    for post, pred in zip(labeled, predicted, strict=True):
        label = post["label"]
        got = {
            "stance": pred.get("stance"),
            "targets": pred.get("targets") or {},
            "sponsored": bool(pred.get("sponsored")),
            "reasons": list(pred.get("reasons") or ()),
        }
        if (
            got["stance"] == label["stance"]
            and got["targets"] == (label.get("targets") or {})
            and got["sponsored"] == bool(label.get("sponsored"))
        ):
            continue
        out.append({
            "post_id": post.get("post_id"),
            "lang": post.get("lang"),
            "text": post.get("text"),
            "label": {k: label.get(k) for k in ("stance", "targets", "sponsored", "reasons")},
            "predicted": {**got, "cues": list(pred.get("cues") or ())},
        })
    return out


def format_report(report: Report) -> str:
    """Human-readable report, as ``deinfluence eval`` prints it."""
    lines = [
        f"posts                 {report.posts}",
        f"post macro-F1         {report.post_macro_f1:.3f}",
        *(f"  {lang:<19} {v:.3f}" for lang, v in report.per_lang_macro_f1.items()),
        f"per-target macro-F1   {report.target_macro_f1:.3f}",
        f"brand-mention F1      {report.brand_f1:.3f}",
        f"sponsored F1          {report.sponsored_f1:.3f}",
        f"reasons F1 (micro)    {report.reasons_f1:.3f}",
        "confusion (rows gold, columns predicted)",
        "  " + " " * 14 + "".join(f"{s[:7]:>9}" for s in STANCES),
    ]
    for gold in STANCES:
        row = report.confusion[gold]
        lines.append(f"  {gold:<14}" + "".join(f"{row[p]:>9}" for p in STANCES))
    return "\n".join(lines)
