"""Batch classification API (placeholder rules; issue #3 replaces the internals).

The interface is the contract used by streams, backfill and benchmarks:
``Classifier.classify_batch(posts) -> list[dict]`` where each output dict is the input
post plus ``stance``, ``targets``, ``sponsored``, ``reasons``, ``brands``, ``hashtags``,
``lang``, ``confidence`` and ``cues``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import yaml

STANCES = ("deinfluencing", "promoting", "neutral")
REASONS = ("price", "quality", "hype", "sustainability", "ethics", "health", "redundancy")
DEFAULT_CATALOG = Path(__file__).parent / "data" / "brands.yaml"


class Classifier(Protocol):
    """Anything that classifies a micro-batch of validated raw posts."""

    def classify_batch(self, posts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]: ...


_TAG = re.compile(r"#(\w+)")
_NEG = re.compile(r"don'?t buy|skip|save your money|not worth|returned|køb ikke|koop dit niet|kauft das nicht|no lo compres|ne l'achetez pas", re.I)
_POS = re.compile(r"obsessed|must-have|run don'?t walk|link in bio|worth every penny", re.I)


class RuleClassifier:
    """Placeholder multilingual rules; see issue #3."""

    def __init__(self, catalog_path: Path | None = None) -> None:
        doc = yaml.safe_load((catalog_path or DEFAULT_CATALOG).read_text())
        self.aliases: list[tuple[re.Pattern[str], str]] = []
        for brand in doc["brands"]:
            for alias in brand["aliases"]:
                self.aliases.append((re.compile(rf"(?<!\w)#?{re.escape(alias)}(?!\w)", re.I), brand["id"]))

    def classify_batch(self, posts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [self._one(p) for p in posts]

    def _one(self, post: Mapping[str, Any]) -> dict[str, Any]:
        text = post.get("text") or ""
        tags = post.get("hashtags")
        if tags is None:
            tags = _TAG.findall(text)
        hashtags = sorted({unicodedata.normalize("NFKC", t).casefold().lstrip("#") for t in tags} - {""})
        brands = sorted({bid for pat, bid in self.aliases if pat.search(text)})
        stance = "deinfluencing" if _NEG.search(text) else "promoting" if _POS.search(text) else "neutral"
        out = dict(post)
        out.update(
            stance=stance, targets={b: stance for b in brands}, sponsored="#ad" in text.lower(),
            reasons=[], brands=brands, hashtags=hashtags, lang=post.get("lang") or "und",
            confidence=0.5, cues=[],
        )
        return out
