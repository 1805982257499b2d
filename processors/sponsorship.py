"""Sponsorship disclosure: #ad and its equivalents in six languages, and affiliate codes.

A disclosure cue counts unless it is negated ("not sponsored", "#notanad"). An affiliate
code counts when the word "code" (kode, código, ...) is followed by something that looks
like a code: an upper-case or digit-bearing token ("code SIP15", "kode EMMA20"), as
distinct from "a discount code for... another bottle".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_CODE_VALUE = re.compile(
    r"(?i:\b(?:promo|discount|coupon|rabat|rabatt|gutschein|kortings|descuento)?"
    r"(?:code|kode|koden|código|codigo|gutschein))\s*[:\-]?\s*[\"'“«]?([A-Z0-9][A-Za-z0-9_]{2,24})\b"
)
_HAS_DIGIT_OR_UPPER = re.compile(r"[0-9]|[A-Z]{3,}")


def has_affiliate_code(text: str) -> bool:
    """True when ``text`` gives a discount or affiliate code.

    Example:
        >>> has_affiliate_code("use code SIP15 for 15% off"), has_affiliate_code("a code for you")
        (True, False)
    """
    for match in _CODE_VALUE.finditer(text):
        value = match.group(1)
        if _HAS_DIGIT_OR_UPPER.search(value) and not value.isdigit():
            return True
        if value.isdigit() and len(value) >= 4:
            return True
    return False


def is_sponsored(
    spons_at: Sequence[int], nospons_at: Sequence[int], code_seen: bool, text: str
) -> bool:
    """Decide ``sponsored`` from the disclosure cues found and the text.

    Args:
        spons_at: token positions of disclosure cues (#ad, reklame, paid partnership, ...).
        nospons_at: token positions of negated disclosures ("not sponsored").
        code_seen: a code word was found among the tokens (cheap pre-check for the regex).
        text: the original text (case matters for codes).
    """
    if spons_at:
        if not nospons_at:
            return True
        # "#ad ... (not sponsored by the brand I mention)" still discloses an ad: only a
        # disclosure inside a negation ("not sponsored") is cancelled
        if any(all(abs(s - n) > 2 for n in nospons_at) for s in spons_at):
            return True
    return bool(code_seen) and has_affiliate_code(text)
