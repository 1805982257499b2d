"""Batch classification API used by the streaming agents, ``backfill`` and benchmarks.

``Classifier.classify_batch(posts) -> list[dict]``: each output dict is the input post
plus ``stance``, ``targets``, ``sponsored``, ``reasons``, ``brands``, ``hashtags``,
``lang``, ``confidence`` and ``cues``. :class:`RuleClassifier` is the multilingual rule
implementation; a learned model can implement the same protocol and replace or join it.

The rules run on one of two engines with identical output: the native one
(:mod:`processors.native`, Rust, about ten times faster) when its compiled module is
installed, else this module's Python code, which stays the reference implementation.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from deinfluence.processors import native
from deinfluence.processors.brands import AliasHit, Catalog, load_catalog, weak_mention_is_brand
from deinfluence.processors.hashtags import extract_hashtags
from deinfluence.processors.lang import UNDETERMINED, detect_lang, normalize_lang
from deinfluence.processors.learned import Fallback, load_fallback
from deinfluence.processors.lexicon import (
    LANGUAGES,
    Cue,
    PhraseIndex,
    cue_entries,
    negators,
    post_negators,
)
from deinfluence.processors.reasons import REASONS, reasons_for
from deinfluence.processors.sponsorship import CODE_WORDS, has_affiliate_code, is_sponsored
from deinfluence.processors.stance import collect, decide, layout
from deinfluence.processors.stems import FIRST_PERSON, StemIndex
from deinfluence.processors.tokens import original_tokens, tokenize

STANCES = ("deinfluencing", "promoting", "neutral")
ENGINES = ("auto", "native", "python")
DEFAULT_CATALOG = Path(__file__).parent / "data" / "brands.yaml"
__all__ = ["Classifier", "RuleClassifier", "post_tokens", "DEFAULT_CATALOG", "ENGINES", "STANCES", "REASONS"]


def post_tokens(post: Mapping[str, Any]) -> tuple[str, list[str], list[str]]:
    """The post's text, the tokens the classifier reads (the text's, then the ``hashtags``
    field's tags the text does not already carry) and its normalised hashtags."""
    text = post.get("text")
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    toks = tokenize(text)
    hashtags = extract_hashtags(post.get("hashtags"), text)
    if hashtags and isinstance(post.get("hashtags"), list):
        present = set(toks)
        extra = ["#" + t for t in hashtags if "#" + t not in present]
        if extra:
            toks.append("\n")
            toks.extend(extra)
    return text, toks, hashtags


class Classifier(Protocol):
    """Anything that classifies a micro-batch of validated raw posts."""

    def classify_batch(self, posts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]: ...


class RuleClassifier:
    """Multilingual rules: brand aliases and cue lexicons matched in one pass per post.

    Example:
        >>> clf = RuleClassifier()
        >>> out = clf.classify_batch([{"post_id": "1", "text": "Skip the Dyson Airwrap, "
        ...     "the Shark FlexStyle does the same for half the price", "lang": "en"}])
        >>> out[0]["stance"], out[0]["targets"]
        ('deinfluencing', {'dyson': 'deinfluencing', 'shark': 'promoting'})
    """

    def __init__(
        self,
        catalog_path: Path | None = None,
        catalog: Catalog | None = None,
        engine: str = "auto",
        fallback: Fallback | str | Path | None = "default",
    ) -> None:
        """``engine``: ``native`` (fails without the compiled module), ``python``, or ``auto``
        (native when installed). ``fallback``: the learned model (:mod:`processors.learned`),
        whose stance head is asked about posts the rules find no evidence in and whose reason
        head adds reasons to de-influencing posts: ``"default"`` (the packaged model), a model
        path, a :class:`Fallback`, or ``"off"``/``None``."""
        if engine not in ENGINES:
            raise ValueError(f"classifier engine must be one of {', '.join(ENGINES)}, got {engine!r}")
        self.fallback = fallback if isinstance(fallback, Fallback) else load_fallback(fallback)
        self.catalog = catalog or load_catalog(catalog_path or DEFAULT_CATALOG)
        self._aliases = self.catalog.alias_entries()
        self._indexes: dict[str, PhraseIndex] = {}
        self._negators: dict[str, frozenset[str]] = {}
        self._stems: dict[str, StemIndex] = {}
        self._native: Any = None
        if engine == "native" or (engine == "auto" and native.AVAILABLE):
            self._native = native.build_engine(self.catalog, self.fallback)
        self.engine = "native" if self._native is not None else "python"

    def _index(self, lang: str) -> tuple[PhraseIndex, frozenset[str]]:
        key = lang if lang in LANGUAGES else UNDETERMINED
        index = self._indexes.get(key)
        if index is None:
            index = PhraseIndex([*cue_entries(key), *self._aliases])
            self._indexes[key] = index
            self._negators[key] = negators(key)
        return index, self._negators[key]

    def _stem_index(self, lang: str) -> StemIndex:
        key = lang if lang in LANGUAGES else UNDETERMINED
        stems = self._stems.get(key)
        if stems is None:
            stems = self._stems[key] = StemIndex(key)
        return stems

    def classify_batch(self, posts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Classify a micro-batch; never raises on odd text (empty, huge, emoji, any script)."""
        if self._native is not None:
            batch = posts if posts.__class__ is list else list(posts)
            if not all(p.__class__ is dict for p in batch):
                batch = [p if isinstance(p, dict) else dict(p) for p in batch]
            try:
                return self._native.classify_batch(batch)  # type: ignore[no-any-return]
            except UnicodeEncodeError:  # a lone surrogate: such posts take the Python engine
                return [self._one_native_or_python(p) for p in batch]
        one = self.classify_post
        return [one(p) for p in posts]

    def _one_native_or_python(self, post: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._native.classify_batch([post])[0]  # type: ignore[no-any-return]
        except UnicodeEncodeError:
            return self.classify_post(post)

    def classify_post(self, post: Mapping[str, Any]) -> dict[str, Any]:
        """Classify one post with the Python engine (the reference; see :meth:`classify_batch`)."""
        text, toks, hashtags = post_tokens(post)
        lang = normalize_lang(post.get("lang")) or detect_lang(toks, text.lower())
        index, negs = self._index(lang)
        hits = index.scan(toks)
        cue_hits = self._stem_index(lang).add_hits(
            toks, [h for h in hits if h[2].__class__ is Cue], hits
        )
        mentions = self._mentions(toks, text, hits)
        lay = layout(toks)
        affiliate = not CODE_WORDS.isdisjoint(toks) and has_affiliate_code(text)
        found = collect(toks, cue_hits, lay, negs, affiliate, post_negators(lang))
        fallback = self.fallback
        learned = extra = None
        if fallback is not None:  # its features are computed once, and only if a head is asked
            features = functools.cache(lambda: fallback.features(toks))
            learned = lambda: fallback.judge(features())  # noqa: E731
        verdict = decide(found, mentions, lay, not FIRST_PERSON.isdisjoint(toks), learned)
        if fallback is not None and verdict.stance == "deinfluencing":
            extra = fallback.learned_reasons(features())
        out = dict(post)
        out["stance"] = verdict.stance
        out["targets"] = verdict.targets
        out["sponsored"] = affiliate or is_sponsored(found, has_meta=verdict.meta)
        out["reasons"] = reasons_for(verdict.stance, (f.cue for f in found), extra or ())
        out["brands"] = sorted(verdict.targets)
        out["hashtags"] = hashtags
        out["lang"] = lang
        out["confidence"] = verdict.confidence
        out["cues"] = verdict.cues
        return out

    @staticmethod
    def _mentions(
        toks: list[str], text: str, hits: list[tuple[int, int, Any]]
    ) -> list[tuple[int, str]]:
        strong = [(s, h.brand_id) for s, _e, h in hits if h.__class__ is AliasHit and not h.weak]
        weak = [(s, e, h.brand_id) for s, e, h in hits if h.__class__ is AliasHit and h.weak]
        if not weak:
            return strong
        orig = original_tokens(text)
        strong_at = [s for s, _ in strong]
        for start, end, brand_id in weak:
            if weak_mention_is_brand(toks, orig, start, end, strong_at):
                strong.append((start, brand_id))
        strong.sort()
        return strong
