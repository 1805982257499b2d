"""Stance of a post and toward each brand it names, from the cues found in its tokens.

The post's stance weighs cues against each other: a question weakens what it asks
about, negation turns praise into criticism ("not worth it", "ikke pengene værd"), a
reversal ("I came to deinfluence this but...") drops the criticism before it, commentary
about the trend, news and plain comparisons stay neutral, and a redirect ("skip X, Y does
the same") de-influences the post. Each cue is attributed to the nearest brand in its
sentence, favouring the side it governs (``skip X`` looks right, ``X is overhyped`` left).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from deinfluence.processors.learned import LEARNED_CUE
from deinfluence.processors.lexicon import POST_NEGATION_TAIL, Cue
from deinfluence.processors.targets import attribute, brand_targets
from deinfluence.processors.tokens import QUOTE_CLOSE, QUOTE_OPEN

DEINFLUENCING, PROMOTING, NEUTRAL = "deinfluencing", "promoting", "neutral"
_CONTRASTS = frozenset(["but", "men", "maar", "aber", "pero", "mais", "however", "though"])
_WORD_START = frozenset("#_$€£%")
_CLAUSE_START = frozenset(",:–—(")
_QUESTION_PROOF = frozenset(
    {"rhet", "reversal", "spons", "nospons", "code", "topic", "meta", "news"}
)
_FLIPPED = Cue("bad", -1, 1.5, -1, (), "negated praise")
_AFFILIATE = Cue("go", 1, 1.5, 0, (), "affiliate code")
_MAX_CUES = 8
_NEUTRAL_EVIDENCE = ("meta", "news", "mixed")  # cue kinds that make a neutral verdict the rules' own
_LONE_FLAW = 0.75  # criticism enough when nothing speaks for the product
_EXPERIENCE = 0.5  # added to the criticism of a first-person post that reports a flaw


@dataclass(slots=True)
class Found:
    """A cue occurrence after question, quote and negation handling."""

    start: int
    cue: Cue
    weight: float
    sentence: int


@dataclass(slots=True)
class Verdict:
    """Stance of a post, per-brand stances, and the evidence."""

    stance: str
    targets: dict[str, str]
    confidence: float
    cues: list[str]
    meta: bool = False


@dataclass(slots=True)
class Layout:
    """Sentence and clause number of every token, and which sentences are questions."""

    sentence: list[int]
    clause: list[int]
    questions: set[int]
    quoted: set[int]
    contrast_at: int


def layout(toks: Sequence[str]) -> Layout:
    """Segment tokens into sentences and clauses (loops over punctuation only)."""
    n = len(toks)
    word_start = _WORD_START
    marks = [i for i, t in enumerate(toks) if not (t[0].isalnum() or t[0] in word_start)]
    sentence: list[int] = []
    clause: list[int] = []
    questions: set[int] = set()
    s = c = prev = 0
    for i in marks:
        tok = toks[i]
        sentence += [s] * (i + 1 - prev)
        clause += [c] * (i + 1 - prev)
        prev = i + 1
        if tok[0] in _CLAUSE_START:
            c += 1
        elif tok == "." and i and "." in toks[i - 1]:
            continue  # the dot closing "e.l.f." or "no." ends no sentence
        else:
            if "?" in tok:
                questions.add(s)
            s += 1
            c += 1
    sentence += [s] * (n - prev)
    clause += [c] * (n - prev)
    contrasts = _CONTRASTS.intersection(toks)
    contrast_at = min(toks.index(w) for w in contrasts) if contrasts else n
    return Layout(sentence, clause, questions, _quoted(toks), contrast_at)


def _quoted(toks: Sequence[str]) -> set[int]:
    if QUOTE_OPEN not in toks:
        return set()
    quoted: set[int] = set()
    inside = False
    for i, tok in enumerate(toks):
        if tok in (QUOTE_OPEN, QUOTE_CLOSE):
            inside = tok == QUOTE_OPEN
        elif inside:
            quoted.add(i)
    return quoted


def collect(
    toks: Sequence[str],
    hits: Sequence[tuple[int, int, Cue]],
    lay: Layout,
    negators: frozenset[str],
    affiliate: bool = False,
    after: frozenset[str] = frozenset(),
) -> list[Found]:
    """Weighted cue occurrences: quotes drop out, questions weaken, negation flips praise.

    With ``affiliate`` (the post gives a discount code) the word "code" is an invitation to buy.
    ``after`` (:func:`~processors.lexicon.post_negators`) are the negators of a language that
    negates after the verb: one of them within three tokens after praise, in its clause and
    closing it, flips the praise too ("empfehle ich euch nicht").
    """
    out: list[Found] = []
    last_end = 0
    for start, end, cue in hits:
        window_from, last_end = max(start - 3, last_end), end
        if start in lay.quoted:
            continue
        if affiliate and cue.kind == "code":
            cue = _AFFILIATE
        sent = lay.sentence[start]
        weight = cue.weight
        if (
            cue.polarity > 0
            and cue.kind in ("go", "good")
            and cue.phrase[:1].isalnum()
            and negators.isdisjoint(toks[start:end])  # "never been this soft" negates itself
            and (_negated(toks, window_from, start, lay, negators) or _negated_after(toks, end, lay, after))
        ):
            cue = _FLIPPED
            weight = cue.weight
        if sent in lay.questions and cue.kind not in _QUESTION_PROOF:
            weight = 0.0
        elif start > lay.contrast_at and cue.polarity:
            weight *= 1.5  # what follows "but" is what the author means
        out.append(Found(start, cue, weight, sent))
    return out


def _negated_after(toks: Sequence[str], end: int, lay: Layout, after: frozenset[str]) -> bool:
    """A post-verbal negator closes the praise's clause within three tokens after it."""
    if not after:
        return False
    clause = lay.clause[end - 1]
    for j in range(end, min(end + 3, len(toks))):
        if lay.clause[j] != clause:
            return False
        if toks[j] in after:
            nxt = j + 1
            return (nxt == len(toks) or lay.clause[nxt] != clause or not toks[nxt][0].isalnum()
                    or toks[nxt] in POST_NEGATION_TAIL)
    return False


def _negated(
    toks: Sequence[str], window_from: int, start: int, lay: Layout, negators: frozenset[str]
) -> bool:
    sent = lay.sentence[start]
    return any(toks[j] in negators and lay.sentence[j] == sent for j in range(window_from, start))


def decide(
    found: Sequence[Found],
    mentions: Sequence[tuple[int, str]],
    lay: Layout,
    first_person: bool = False,
    learned: Callable[[], tuple[str, float] | None] | None = None,
) -> Verdict:
    """The post's stance and its targets.

    With ``first_person`` (the author speaks of their own purchase) a reported flaw weighs
    more: "mine broke after two weeks" is a warning, not a spec sheet.

    ``learned`` (:meth:`processors.learned.Fallback.judge` bound to the post's features) is
    asked only when the rules find the post neutral with no neutral evidence of their own
    (commentary, news, a mixed view); a stance it returns replaces ``neutral``, its
    probability is the confidence and :data:`~processors.learned.LEARNED_CUE` leads the cues.
    """
    reversal = max((f.start for f in found if f.cue.kind == "reversal"), default=-1)
    for f in found:
        if f.cue.polarity < 0 and f.start < reversal:
            f.weight = 0.0  # "everyone said it was overhyped... sorry deinfluencers"
    totals = _totals(found)
    if first_person and totals["flaw"] and totals["pos"] < 1.0:
        totals["neg"] += _EXPERIENCE
    scores = attribute(found, mentions, lay)
    stance = _post_stance(totals, scores, found, bool(mentions) or first_person)
    judged = None
    if stance == NEUTRAL and learned is not None and not any(f.cue.kind in _NEUTRAL_EVIDENCE for f in found):
        judged = learned()
        if judged is not None:
            stance = judged[0]
    targets = brand_targets(stance, scores, found, mentions, lay)
    if judged is not None:
        cues = [LEARNED_CUE, *_decisive_cues(stance, found)][:_MAX_CUES]
        return Verdict(stance, targets, round(min(max(judged[1], 0.05), 0.99), 3), cues, totals["meta"] > 0)
    margin = abs(totals["neg"] - totals["pos"])
    if stance == NEUTRAL:
        evidence = totals["meta"] + totals["news"] + totals["mixed"] + len(lay.questions)
        confidence = 0.55 + 0.1 * min(evidence, 4) - 0.05 * min(totals["neg"] + totals["pos"], 4)
    else:
        confidence = 0.5 + 0.45 * min(margin, 6.0) / 6.0 + (0.05 if margin >= 2 else 0.0)
    return Verdict(
        stance,
        targets,
        round(min(max(confidence, 0.05), 0.99), 3),
        _decisive_cues(stance, found, bool(lay.questions)),
        totals["meta"] > 0,
    )


def _totals(found: Sequence[Found]) -> dict[str, float]:
    totals = {
        "neg": 0.0,
        "pos": 0.0,
        "stop": 0.0,
        "meta": 0.0,
        "news": 0.0,
        "mixed": 0.0,
        "reversal_at": -1.0,
        "alt": 0.0,
        "flaw": 0.0,
        "price": 0.0,
    }
    reversal = max((f.start for f in found if f.cue.kind == "reversal"), default=-1)
    totals["reversal_at"] = float(reversal)
    for f in found:
        kind = f.cue.kind
        if kind == "topic" and "price" in f.cue.reasons:
            totals["price"] += 1.0
        if kind in ("meta", "news", "mixed"):
            totals[kind] += f.weight
        elif kind in ("alt", "altrev"):
            totals["alt"] += 1.0
        elif f.cue.polarity < 0 and f.start > reversal:
            totals["neg"] += f.weight
            if kind == "flaw":
                totals["flaw"] += f.weight
            if kind in ("stop", "rhet", "sarcasm", "notsaying"):
                totals["stop"] += f.weight
        elif f.cue.polarity > 0:
            totals["pos"] += f.weight
    return totals


def _post_stance(
    totals: dict[str, float],
    scores: dict[str, float],
    found: Sequence[Found],
    about_a_purchase: bool = True,
) -> str:
    neg, pos = totals["neg"], totals["pos"]
    if totals["reversal_at"] >= 0 and pos >= neg:
        return PROMOTING
    if (
        totals["alt"]
        and any(s < 0 for s in scores.values())
        and any(s > 0 for s in scores.values())
    ):
        return DEINFLUENCING  # a redirect: its main act is talking people out of X
    if totals["alt"] and totals["price"] and not neg and pos < 2 and not totals["mixed"]:
        return DEINFLUENCING  # "$70 for X... Y does the same": a price comparison redirects
    if totals["meta"] >= 1 and totals["stop"] < 2 * totals["meta"] + 1 and pos < 2:
        return NEUTRAL
    if totals["news"] >= 1 and neg < 2 and pos < 2:
        return NEUTRAL
    if totals["mixed"] >= 1 and abs(neg - pos) < 2:
        return NEUTRAL
    if neg >= 1.0 and neg >= 0.8 * pos:
        return DEINFLUENCING
    if neg >= _LONE_FLAW and not pos and about_a_purchase:
        return DEINFLUENCING  # one reported flaw and nothing good said
    if pos >= 1.0:
        return PROMOTING
    return NEUTRAL


def _decisive_cues(stance: str, found: Sequence[Found], questions: bool = False) -> list[str]:
    if stance == DEINFLUENCING:
        wanted = [f for f in found if f.cue.polarity < 0 and f.weight]
    elif stance == PROMOTING:
        wanted = [f for f in found if f.cue.polarity > 0 and f.weight]
    else:
        wanted = [f for f in found if f.cue.kind in _NEUTRAL_EVIDENCE]
    seen: list[str] = []
    for f in sorted(wanted, key=lambda f: -f.weight):
        if f.cue.phrase not in seen:
            seen.append(f.cue.phrase)
    if stance == NEUTRAL and questions:
        seen.append("?")  # a question asks rather than recommends
    return seen[:_MAX_CUES]
