"""Sponsorship disclosure: #ad and its equivalents in six languages, and affiliate codes.

A disclosure cue counts unless it is negated ("not sponsored", "#notanad"). An affiliate
code counts when the word "code" (kode, código, ...) is followed by something that looks
like a code: an upper-case or digit-bearing token ("code SIP15", "kode EMMA20"), as
distinct from "a discount code for... another bottle".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_CODE_VALUE = re.compile(
    r"(?i:\b(?:promo|discount|coupon|rabat|rabatt|gutschein|kortings|descuento)?"
    r"(?:code|kode|koden|código|codigo|gutschein))\s*[:\-]?\s*[\"'“«]?([A-Z0-9][A-Za-z0-9_]{2,24})\b"
)
_HAS_DIGIT_OR_UPPER = re.compile(r"[0-9]|[A-Z]{3,}")
CODE_WORDS = frozenset(
    [
        "code",
        "kode",
        "koden",
        "código",
        "codigo",
        "gutschein",
        "gutscheincode",
        "rabattcode",
        "rabatkode",
        "kortingscode",
        "promocode",
    ]
)


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


def is_sponsored(found: Sequence[Any], has_meta: bool = False) -> bool:
    """Decide ``sponsored`` from the cue occurrences of a post (affiliate codes aside).

    Args:
        found: cue occurrences (``.start``, ``.cue.kind``) of the post.
        has_meta: the post comments on the trend; a bare mention of "affiliate links"
            there describes other creators rather than disclosing anything.
    """
    spons = [
        f.start
        for f in found
        if f.cue.kind == "spons" or (f.cue.kind == "sponsweak" and not has_meta)
    ]
    if not spons:
        return False
    nospons = {f.start for f in found if f.cue.kind == "nospons"}
    # only a disclosure inside a negation ("not sponsored") is cancelled
    return any(all(s + d not in nospons for d in range(-2, 3)) for s in spons)
