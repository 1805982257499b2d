"""Stance toward each brand: cues are attributed to the nearest brand in their sentence.

A directive governs the brand after it ("skip X"), a verdict the brand before it ("X is
overhyped"); a verdict reaches forward only inside its own clause, and crossing a comma
costs distance. Hashtag and emoji cues speak for the whole post. The alternative of a
redirect ("Y does the same") needs two brands and is never the one talked down. A brand
without cues of its own shares the post's stance, unless it only appears in a comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from deinfluence.processors.lexicon import Cue

if TYPE_CHECKING:
    from deinfluence.processors.stance import Found, Layout

DEINFLUENCING, PROMOTING, NEUTRAL = "deinfluencing", "promoting", "neutral"


def attribute(
    found: Sequence[Found], mentions: Sequence[tuple[int, str]], lay: Layout
) -> dict[str, float]:
    """Score per brand: each polar cue goes to the nearest brand in its sentence.

    Hashtag and emoji cues speak for the whole post, not for a brand. The alternative of
    a redirect ("Y does the same") only exists when the post names two brands, and is
    never the brand the post talks people out of.
    """
    scores: dict[str, float] = {b: 0.0 for _, b in mentions}
    several = len(scores) > 1
    negative_targets: set[str] = set()
    by_sentence: dict[int, list[tuple[int, str]]] = {}
    for p, b in mentions:
        by_sentence.setdefault(lay.sentence[p], []).append((p, b))
    ordered = sorted(
        (f for f in found if f.cue.polarity and f.weight and _local(f.cue)),
        key=lambda f: f.cue.kind == "alt",
    )
    for f in ordered:
        candidates = [(p, b) for p, b in by_sentence.get(f.sentence, ()) if _reaches(f, p, lay)]
        if f.cue.kind == "alt":
            if not several:
                continue
            candidates = [(p, b) for p, b in candidates if b not in negative_targets]
        if not candidates:
            continue
        _, brand = min(candidates, key=lambda pb: _distance(f, pb[0], lay))
        scores[brand] += f.cue.polarity * f.weight * (1.5 if f.cue.kind == "alt" else 1.0)
        if f.cue.polarity < 0:
            negative_targets.add(brand)
    return scores


def _local(cue: Cue) -> bool:
    first = cue.phrase[:1]
    return first.isalnum() or first in "'$€£%"


def _reaches(f: Found, pos: int, lay: Layout) -> bool:
    """A verdict ("is useless") reaches a brand after it only inside its own clause."""
    if f.cue.direction < 0 and pos > f.start:
        return lay.clause[pos] == lay.clause[f.start]
    return True


def _distance(f: Found, pos: int, lay: Layout) -> float:
    d = float(abs(pos - f.start))
    if (f.cue.direction > 0 and pos < f.start) or (f.cue.direction < 0 and pos > f.start):
        d *= 2.5
    if lay.clause[pos] != lay.clause[f.start]:
        d += 3.0
    return d


def brand_targets(
    stance: str,
    scores: dict[str, float],
    found: Sequence[Found],
    mentions: Sequence[tuple[int, str]],
    lay: Layout,
) -> dict[str, str]:
    if stance == NEUTRAL:
        return {b: NEUTRAL for _, b in mentions}
    mixed_sentences = {f.sentence for f in found if f.cue.kind == "mixed"}
    out: dict[str, str] = {}
    for pos, brand in mentions:
        score = scores.get(brand, 0.0)
        if score <= -0.5:
            verdict = DEINFLUENCING
        elif score >= 0.5:
            verdict = PROMOTING
        elif lay.sentence[pos] in mixed_sentences:
            verdict = NEUTRAL
        else:
            verdict = stance
        if out.get(brand, verdict) != verdict and score == 0.0:
            continue  # a later plain mention does not override an earlier verdict
        out[brand] = verdict
    return out
