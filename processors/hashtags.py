"""Hashtags of a post: from its ``hashtags`` field, or from its text when the field is absent.

Tags are NFKC-normalised and case-folded with the ``#`` stripped; non-Latin scripts are
kept (``#東京`` -> ``東京``). The result is sorted and free of duplicates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_TAG = re.compile(r"[#＃](\w+)")


def normalize_tag(tag: str) -> str:
    """``"#StanleyCup"`` -> ``"stanleycup"`` (NFKC, case-folded, leading ``#`` stripped)."""
    return unicodedata.normalize("NFKC", tag).casefold().lstrip("#").strip()


def tags_from_text(text: str) -> list[str]:
    """Raw hashtags written in ``text`` (without ``#``)."""
    if "#" not in text and "＃" not in text:
        return []
    return _TAG.findall(text)


def extract_hashtags(field: Any, text: str) -> list[str]:
    """Sorted normalised hashtags from the ``hashtags`` list, or from ``text`` when there is none.

    Example:
        >>> extract_hashtags(None, "Skip it #Deinfluencing #ＳＴＡＮＬＥＹ")
        ['deinfluencing', 'stanley']
    """
    raw: Iterable[Any] = field if isinstance(field, list | tuple) else tags_from_text(text)
    out = {normalize_tag(t) for t in raw if isinstance(t, str)}
    out.discard("")
    return sorted(out)
