"""Stem cues: single tokens matched by prefix (see :mod:`processors.lexicon_stems`).

The phrase index matches whole tokens, so it misses inflections and compounds
(*überbewertete*, *teruggestuurd*, *devolvérmelo*). :class:`StemIndex` tries each token's
prefixes against a per-language stem table and remembers the answer per token, so a token
seen before costs one dict probe. Stem hits only fill tokens no phrase cue covers.
"""

from __future__ import annotations

from collections.abc import Sequence

from deinfluence.processors.lexicon import KINDS, Cue, Match, _line_phrases
from deinfluence.processors.lexicon_stems import STEMS

_MIN_PREFIX = 4
_CACHE_LIMIT = 200_000
_MISS = object()
# first-person markers: a flaw reported about one's own purchase is an experience, not a spec
FIRST_PERSON = frozenset(
    [
        "i",
        "my",
        "mine",
        "me",
        "ive",
        "im",
        "jeg",
        "min",
        "mit",
        "mine",
        "mig",
        "ik",
        "mijn",
        "mij",
        "me",
        "ich",
        "mein",
        "meine",
        "meinen",
        "meiner",
        "mir",
        "mich",
        "yo",
        "mi",
        "mis",
        "me",
        "je",
        "j",
        "ma",
        "mon",
        "mes",
        "moi",
    ]
)


class StemIndex:
    """Prefix lookup of stem cues for one language (``word=`` in the table: whole word only)."""

    def __init__(self, lang: str) -> None:
        self.prefixes: dict[str, Cue] = {}
        self.exact: dict[str, Cue] = {}
        tables = [STEMS["en"]] if lang != "en" else []
        tables += [STEMS[lang]] if lang in STEMS else [STEMS[k] for k in STEMS if k != "en"]
        for table in tables:
            for kind, text in table.items():
                polarity, weight, direction = KINDS[kind]
                for line in text.strip().splitlines():
                    for stem, reasons in _line_phrases(line, grouped=True):
                        target = self.exact if stem.endswith("=") else self.prefixes
                        stem = stem.rstrip("=")
                        target[stem] = Cue(kind, polarity, weight, direction, reasons, stem)
        self.lengths = sorted({len(s) for s in self.prefixes}, reverse=True)
        self.cache: dict[str, Cue | None] = {}

    def lookup(self, tok: str) -> Cue | None:
        """The stem cue of ``tok`` (longest stem first), or ``None``."""
        cache = self.cache
        if tok in cache:
            return cache[tok]
        cue = self.exact.get(tok)
        if cue is None and len(tok) >= _MIN_PREFIX and tok[0].isalpha():
            prefixes = self.prefixes
            n = len(tok)
            for size in self.lengths:
                if size <= n:
                    cue = prefixes.get(tok[:size])
                    if cue is not None:
                        break
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        cache[tok] = cue
        return cue

    def add_hits(self, toks: Sequence[str], hits: list[Match], taken: list[Match]) -> list[Match]:
        """``hits`` (phrase cues, by start) plus stem cues on tokens no phrase or alias of
        ``taken`` covers (*flawless* in *Flawless Filter* is a name, not praise)."""
        get = self.cache.get
        lookup = self.lookup
        extra: list[Match] = []
        for i, tok in enumerate(toks):
            cue = get(tok, _MISS)
            if cue is _MISS:
                cue = lookup(tok)
            if cue is not None:
                extra.append((i, i + 1, cue))
        if not extra:
            return hits
        covered: set[int] = set()
        for start, end, _ in taken:
            covered.update(range(start, end))
        extra = [h for h in extra if h[0] not in covered]
        return sorted(hits + extra, key=lambda h: h[0]) if extra else hits
