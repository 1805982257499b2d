"""Per-language cue lexicons compiled into one token-phrase index per language.

A lexicon is ``{category: text}``; each line of the text is ``phrase | phrase ... @reasons``
(``[a/b/]`` alternatives expand, ``*`` matches any one word). Every language's index
holds the universal cues (hashtags, emoji), the English ones (code-mixing is the norm
on social media) and its own, plus the catalog's aliases, so one pass over a post's
tokens finds brands and cues together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from deinfluence.processors.lexicon_colloquial import COLLOQUIAL
from deinfluence.processors.lexicon_en import EN, NEGATORS_EN, UNIVERSAL
from deinfluence.processors.lexicon_general import GENERAL
from deinfluence.processors.lexicon_germanic import DA, DE, NEGATORS_GERMANIC, NL
from deinfluence.processors.lexicon_romance import ES, FR, NEGATORS_ROMANCE
from deinfluence.processors.tokens import expand, tokenize_phrase

LEXICONS: dict[str, Mapping[str, str]] = {
    "en": EN,
    "da": DA,
    "nl": NL,
    "de": DE,
    "es": ES,
    "fr": FR,
}
LANGUAGES = tuple(LEXICONS)

# kind -> (polarity, weight, direction): direction +1 = the cue governs the brand after it
# ("skip X"), -1 = the brand before it ("X is overhyped"), 0 = the nearest either side.
KINDS: dict[str, tuple[int, float, int]] = {
    "stop": (-1, 2.0, 1),  # directive against buying
    "rhet": (-1, 2.0, 1),  # rhetorical question against buying (counts inside a question)
    "bad": (-1, 1.5, -1),  # negative verdict
    "flaw": (-1, 0.75, -1),  # a flaw or harm reported
    "sarcasm": (-1, 1.5, 0),
    "notsaying": (-1, 1.0, 1),  # "not saying don't buy, but..."
    "go": (1, 2.0, 1),  # directive to buy
    "good": (1, 1.0, -1),  # positive verdict
    "alt": (1, 1.0, 0),  # the cheaper alternative of a redirect
    "altrev": (-1, 1.0, 1),  # "a dupe for X": X is the one not to buy
    "topic": (0, 0.0, 0),  # reasons only
    "meta": (0, 1.0, 0),  # commentary about the de-influencing trend
    "news": (0, 1.0, 0),
    "mixed": (0, 1.0, 0),  # comparison or mixed verdict
    "reversal": (1, 2.0, 0),  # "I came to deinfluence this but..."
    "spons": (0, 1.0, 0),
    "sponsweak": (0, 1.0, 0),  # "affiliate links": a disclosure unless the post is commentary
    "nospons": (0, 1.0, 0),  # "not sponsored"
    "code": (0, 0.0, 0),  # "code" followed by an affiliate code
}


@dataclass(frozen=True, slots=True)
class Cue:
    """Payload of a lexicon phrase in the index."""

    kind: str
    polarity: int
    weight: float
    direction: int
    reasons: tuple[str, ...]
    phrase: str


Match = tuple[int, int, Any]


class PhraseIndex:
    """Token-phrase lookup: one dict probe per token, then one per next token.

    ``table[first]`` is ``(single cue, single alias, {second: [(rest, payload)]}, wild)``:
    the one-token phrases, the longer ones under their second token (longest first), and
    those whose second token is a wildcard. Brand aliases and cues are matched
    independently (each leftmost-longest), so "apple" can be both.
    """

    def __init__(self, entries: Iterable[tuple[Sequence[str], Any]]) -> None:
        single: dict[str, list[Any]] = {}
        pairs: dict[str, dict[str, list[tuple[list[str], Any]]]] = {}
        wild: dict[str, list[tuple[list[str], Any]]] = {}
        for toks, payload in entries:
            if not toks or toks[0] == "*":
                continue
            if len(toks) == 1:
                single.setdefault(toks[0], []).append(payload)
            elif toks[1] == "*" or "*" in toks[2:]:
                wild.setdefault(toks[0], []).append((list(toks[1:]), payload))
            else:
                second = pairs.setdefault(toks[0], {}).setdefault(toks[1], [])
                second.append((list(toks[2:]), payload))
        for by_next in pairs.values():
            for candidates in by_next.values():
                candidates.sort(key=lambda e: -len(e[0]))
        for candidates in wild.values():
            candidates.sort(key=lambda e: -len(e[0]))
        self.table: dict[str, tuple[Any, Any, Any, Any]] = {}
        for first in set(single) | set(pairs) | set(wild):
            payloads = single.get(first, [])
            cue = next((p for p in payloads if p.__class__ is Cue), None)
            alias = next((p for p in payloads if p.__class__ is not Cue), None)
            self.table[first] = (cue, alias, pairs.get(first), wild.get(first))

    def scan(self, toks: Sequence[str]) -> list[Match]:
        """Leftmost-longest matches ``(start, end, payload)``, for cues and brands separately."""
        out: list[Match] = []
        get = self.table.get
        cue_until = brand_until = 0
        last = len(toks) - 1
        for i, tok in enumerate(toks):
            entry = get(tok)
            if entry is None:
                continue
            single_cue, single_alias, by_next, wild = entry
            cue: Match | None = None
            brand: Match | None = None
            if by_next is not None and i < last:
                for rest, payload in by_next.get(toks[i + 1], ()):
                    if rest and toks[i + 2 : i + 2 + len(rest)] != rest:
                        continue
                    if payload.__class__ is Cue:
                        cue = cue or (i, i + 2 + len(rest), payload)
                    else:
                        brand = brand or (i, i + 2 + len(rest), payload)
            if wild is not None:
                for rest, payload in wild:
                    if not _rest_matches(toks, i + 1, rest):
                        continue
                    found = (i, i + 1 + len(rest), payload)
                    if payload.__class__ is Cue:
                        cue = found if cue is None or found[1] > cue[1] else cue
                    elif brand is None or found[1] > brand[1]:
                        brand = found
            if cue is None and single_cue is not None:
                cue = (i, i + 1, single_cue)
            if brand is None and single_alias is not None:
                brand = (i, i + 1, single_alias)
            if cue is not None and i >= cue_until:
                out.append(cue)
                cue_until = cue[1]
            if brand is not None and i >= brand_until:
                out.append(brand)
                brand_until = brand[1]
        return out


def _rest_matches(toks: Sequence[str], at: int, rest: list[str]) -> bool:
    if at + len(rest) > len(toks):
        return False
    return all(want == "*" or want == got for want, got in zip(rest, toks[at:], strict=False))


def compile_lexicon(
    lexicon: Mapping[str, str], grouped: bool = False
) -> list[tuple[tuple[str, ...], Cue]]:
    """Expand and tokenise every phrase of a lexicon (``grouped``: see :func:`_line_phrases`)."""
    out: list[tuple[tuple[str, ...], Cue]] = []
    for kind, text in lexicon.items():
        polarity, weight, direction = KINDS[kind]
        for line in text.strip().splitlines():
            for phrase, reasons in _line_phrases(line, grouped):
                for variant in expand(phrase):
                    toks = tokenize_phrase(variant)
                    if toks:
                        out.append((toks, Cue(kind, polarity, weight, direction, reasons, variant)))
    return out


def _line_phrases(line: str, grouped: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """``a @x | b @y`` tags each phrase; ``a | b | c @x`` (only the last tagged) tags them all;
    with ``grouped``, ``a | b @x | c | d @y`` tags untagged phrases with the tag closing them."""
    parts = []
    for segment in line.split("|"):
        phrase, _, tail = segment.partition("@")
        reasons = tuple(r.strip() for r in tail.split(",") if r.strip())
        if phrase.strip():
            parts.append((phrase.strip(), reasons))
    tagged = [i for i, (_, r) in enumerate(parts) if r]
    if grouped and len(tagged) > 1:
        out, start = [], 0
        for i in tagged:
            out += [(p, parts[i][1]) for p, _ in parts[start : i + 1]]
            start = i + 1
        return out + parts[start:]
    if len(parts) > 1 and parts[-1][1] and not any(r for _, r in parts[:-1]):
        parts = [(p, parts[-1][1]) for p, _ in parts]
    return parts


def cue_entries(lang: str) -> list[tuple[tuple[str, ...], Cue]]:
    """Cue entries for one language (universal + English + own); all languages for others."""
    parts = [UNIVERSAL, EN, COLLOQUIAL["en"], GENERAL["en"]]
    if lang in LEXICONS and lang != "en":
        parts += [LEXICONS[lang], COLLOQUIAL[lang], GENERAL[lang]]
    elif lang not in LEXICONS:
        parts.extend(v for k, v in LEXICONS.items() if k != "en")
        parts.extend(v for k, v in COLLOQUIAL.items() if k != "en")
        parts.extend(v for k, v in GENERAL.items() if k != "en")
    merged: dict[tuple[str, ...], Cue] = {}
    for part in parts:
        grouped = any(part is layer[k] for layer in (COLLOQUIAL, GENERAL) for k in layer)
        for toks, cue in compile_lexicon(part, grouped):
            merged[toks] = _merge(merged.get(toks), cue)
    if lang == "fr" or lang not in LEXICONS:
        for toks, cue in list(merged.items()):
            informal = _without_ne(toks)
            if informal is not None and informal not in merged:
                merged[informal] = replace(cue, phrase=" ".join(informal))
    negs = negators(lang)
    for toks, cue in list(merged.items()):
        for negated in _negated_slots(toks, cue, negs):
            merged.setdefault(negated, Cue("bad", *KINDS["bad"], (), " ".join(negated)))
    return list(merged.items())


def _negated_slots(toks: tuple[str, ...], cue: Cue, negs: frozenset[str]) -> list[tuple[str, ...]]:
    """A praise phrase with one wildcard ("würde * wieder kaufen", "ik raad * aan") also
    matched a negator in that slot and read "würde nicht wieder kaufen" as praise: each
    negator in the slot makes an explicit phrase of its own, a negative verdict, which the
    index prefers to the wildcard phrase of the same length."""
    if cue.kind not in ("go", "good") or toks.count("*") != 1:
        return []
    at = toks.index("*")
    return [toks[:at] + (n,) + toks[at + 1:] for n in sorted(negs)]


_NE = frozenset(["ne", "n"])
_NE_PARTNERS = frozenset(["pas", "jamais", "rien", "plus", "aucun", "aucune", "personne"])


def _without_ne(toks: tuple[str, ...]) -> tuple[str, ...] | None:
    """Spoken and written-casual French drops the ``ne`` of a negation: "ça vaut pas le
    coup", "achetez pas", "j'en ai pas besoin". A phrase with ``ne ... pas`` (or jamais, rien,
    plus...) also matches without its first ``ne``; ``None`` when it has none."""
    for i, tok in enumerate(toks):
        if tok in _NE and not _NE_PARTNERS.isdisjoint(toks[i + 1:]):
            rest = toks[:i] + toks[i + 1:]
            return rest if len(rest) >= 2 else None
    return None


def _merge(old: Cue | None, new: Cue) -> Cue:
    """One cue per phrase: a stance cue beats a reason-only one, and keeps its reasons."""
    if old is None:
        return new
    keep, other = (old, new) if _rank(old) >= _rank(new) else (new, old)
    if other.kind != "topic":
        return keep  # two stance readings: the stronger one wins outright
    reasons = keep.reasons + tuple(r for r in other.reasons if r not in keep.reasons)
    return Cue(keep.kind, keep.polarity, keep.weight, keep.direction, reasons, keep.phrase)


def _rank(cue: Cue) -> tuple[bool, float, float]:
    return (cue.kind != "topic", abs(cue.polarity) * cue.weight, cue.weight)


# Languages whose negation follows the verb it negates ("empfehle ich euch nicht", "jeg anbefaler
# den ikke", "je vous le conseille pas"): these words negate praise just before them too.
POST_NEGATORS: dict[str, frozenset[str]] = {
    "de": frozenset(["nicht", "nie", "niemals"]),
    "nl": frozenset(["niet", "nooit"]),
    "da": frozenset(["ikke", "aldrig"]),
    "fr": frozenset(["pas", "jamais"]),
}
# what may follow such a negator while it still closes the clause ("... nicht mehr", "... niet
# aan", "... ikke igen", "... pas trop"); any other word means it negates that word instead
# ("super und nicht teuer", "nicht nur für Anfänger")
POST_NEGATION_TAIL = frozenset([
    "mehr", "wieder", "nochmal", "wirklich", "so", "aan", "meer", "weer", "echt", "igen", "mere",
    "rigtig", "plus", "trop", "vraiment", "du", "non",
])


def post_negators(lang: str) -> frozenset[str]:
    """Negators that negate the praise before them in ``lang`` (none outside :data:`POST_NEGATORS`)."""
    return POST_NEGATORS.get(lang, frozenset())


def negators(lang: str) -> frozenset[str]:
    """Tokens that negate a following positive cue ("not worth it", "ikke pengene værd")."""
    table = {"en": NEGATORS_EN, **NEGATORS_GERMANIC, **NEGATORS_ROMANCE}
    if lang in table:
        return table[lang] | NEGATORS_EN
    return frozenset().union(*table.values())
