"""Tokenisation shared by brand matching, cue lexicons and language detection.

Texts and lexicon phrases go through the same :func:`tokenize`, so a phrase written as
``"don't buy"`` matches ``don't buy``, ``don’t buy`` and ``DON'T BUY`` alike (apostrophes
drop out on both sides), and ``e.l.f.`` stays one token (its last dot is no sentence end). Punctuation that ends a
sentence or a clause is kept as a token: cues are attributed within sentences, and a
question sentence weakens its cues.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(
    r"#?\w+(?:[.,]\w+)*"  # words, hashtags, e.l.f, 4.000, 9,99 (no break inside)
    r"|[.!?;…\n]+"  # sentence ends
    r"|[,:–—($€£%\U0001F300-\U0001FAFF\u2600-\u27BF]"  # clause breaks, currency, emoji
)
_QUOTED = re.compile(r"(?<!\w)['‘\"“«]\s?([^\n'‘\"“«]{1,80}?|[^\n]{1,80}?)\s?['’\"”»](?!\w)")
QUOTE_OPEN = "qqquoteopenqq"
QUOTE_CLOSE = "qqquoteclosegq"
_QUOTE_CHARS = ("'", "‘", '"', "“", "«")
_CLAUSE_CHARS = frozenset(",:–—(")
_WORD_CHARS = frozenset("#_$€£%")
SENTENCE, CLAUSE, WORD = 2, 1, 0


def tokenize(text: str) -> list[str]:
    """Lower-cased tokens of ``text``; quoted spans are wrapped in quote markers.

    Example:
        >>> tokenize("Don't buy the e.l.f. one!")
        ['don', 't', 'buy', 'the', 'e.l.f', '.', 'one', '!']
    """
    low = text.lower()
    if any(q in low for q in _QUOTE_CHARS):
        low = _QUOTED.sub(_mark_quote, low)
    return _TOKEN.findall(low)


def _mark_quote(match: re.Match[str]) -> str:
    return f" {QUOTE_OPEN} {match.group(1)} {QUOTE_CLOSE} "


def tokenize_phrase(phrase: str) -> tuple[str, ...]:
    """Tokens of a lexicon phrase or alias (no quote marking); ``*`` stays a wildcard."""
    out: list[str] = []
    for part in phrase.lower().split():
        out.extend(["*"] if part == "*" else _TOKEN.findall(part))
    return tuple(out)


def token_kind(token: str) -> int:
    """``SENTENCE`` (sentence end or emoji), ``CLAUSE`` (clause break) or ``WORD``."""
    first = token[0]
    if first.isalnum() or first in _WORD_CHARS:
        return WORD
    return CLAUSE if first in _CLAUSE_CHARS else SENTENCE


def original_tokens(text: str) -> list[str]:
    """Tokens of ``text`` with their original case (same segmentation as :func:`tokenize`)."""
    if any(q in text.lower() for q in _QUOTE_CHARS):
        text = _QUOTED.sub(_mark_quote, text)
    return _TOKEN.findall(text)


def expand(pattern: str) -> Iterable[str]:
    """Expand ``[a/b/]`` alternatives (an empty one makes the slot optional).

    Example:
        >>> sorted(expand("don't buy [it/this/]"))
        ["don't buy", "don't buy it", "don't buy this"]
    """
    start = pattern.find("[")
    if start < 0:
        yield " ".join(pattern.split())
        return
    end = pattern.index("]", start)
    for option in pattern[start + 1 : end].split("/"):
        yield from expand(pattern[:start] + option + pattern[end + 1 :])
