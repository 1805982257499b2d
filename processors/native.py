"""The native engine of :class:`processors.classify.RuleClassifier` (Rust, ``native/``).

The rules, lexicons, stem tables and catalog stay in Python; :func:`build_engine` compiles
them exactly as the Python path does and hands the result to ``deinfluence_native.Engine``,
which runs the same per-post algorithm about ten times faster. The Python path remains the
reference: ``tests/processors/test_native.py`` checks that both engines give identical
output.

:func:`post_checker` is the decoder's fast path (``native/src/post.rs``): it confirms the
raw messages that are plainly valid posts and leaves every other message to
:func:`schemas.post.decode_message` (``tests/schemas/test_native_decode.py``).
:func:`pane_counter` sums the combine stage's count vectors (``native/src/counts.rs``,
checked against :func:`processors.counts.pane_counts_rows` in ``tests/processors/test_counts.py``).
:func:`classified_tally` is the per-post loop of the worker's business metrics
(``streams.metrics.WorkerMetrics.classified``, checked in ``tests/streams/test_metrics_tally.py``).

Without the compiled module (``pip install ./native`` needs a Rust toolchain) :data:`AVAILABLE`
is false, the classifier runs in Python and the two fast paths are not used.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from deinfluence.processors import brands as _brands
from deinfluence.processors import lang as _lang
from deinfluence.processors import stance as _stance
from deinfluence.processors.brands import AliasHit, Catalog
from deinfluence.processors.hashtags import normalize_tag
from deinfluence.processors.lang import UNDETERMINED
from deinfluence.processors.learned import Fallback
from deinfluence.processors.lexicon import (
    LANGUAGES,
    POST_NEGATION_TAIL,
    Cue,
    cue_entries,
    negators,
    post_negators,
)
from deinfluence.processors.reasons import REASONS
from deinfluence.processors.sponsorship import CODE_WORDS, has_affiliate_code
from deinfluence.processors.stems import FIRST_PERSON, StemIndex
from deinfluence.schemas.post import FUTURE_SLACK_MS, METRIC_FIELDS, MIN_EVENT_MS, PLATFORMS, Limits

try:
    import deinfluence_native as _native
except ImportError:  # no compiled module: the Python engine is used
    _native = None

AVAILABLE = _native is not None
__all__ = ["AVAILABLE", "build_engine", "classified_tally", "pane_counter", "post_checker"]


class _CueTable:
    """Assigns each distinct :class:`Cue` an id and keeps its fields for the engine."""

    def __init__(self) -> None:
        self.ids: dict[Cue, int] = {}
        self.specs: list[tuple[Any, ...]] = []

    def id(self, cue: Cue) -> int:
        found = self.ids.get(cue)
        if found is None:
            found = self.ids[cue] = len(self.specs)
            first = cue.phrase[:1]
            self.specs.append(
                (
                    cue.kind,
                    cue.polarity,
                    float(cue.weight),
                    cue.direction,
                    list(cue.reasons),
                    cue.phrase,
                    first.isalnum(),
                    first.isalnum() or (first != "" and first in "'$€£%"),
                )
            )
        return found


def build_engine(catalog: Catalog, fallback: Fallback | None = None) -> Any:
    """A ``deinfluence_native.Engine`` for ``catalog``, from the Python rule tables, with the
    learned ``fallback``'s arrays when there is one (``native/src/learned.rs`` scores it)."""
    if _native is None:
        raise RuntimeError("the native classifier is not installed (pip install ./native)")
    cues = _CueTable()
    brand_ids: dict[str, int] = {}
    alias_ids: dict[AliasHit, int] = {}
    alias_specs: list[tuple[int, bool]] = []
    alias_entries = catalog.alias_entries()
    for _toks, hit in alias_entries:
        if hit not in alias_ids:
            brand = brand_ids.setdefault(hit.brand_id, len(brand_ids))
            alias_ids[hit] = len(alias_specs)
            alias_specs.append((brand, hit.weak))
    langs = []
    for key in (*LANGUAGES, UNDETERMINED):
        entries: list[tuple[list[str], bool, int]] = [
            (list(toks), True, cues.id(cue)) for toks, cue in cue_entries(key)
        ]
        entries += [(list(toks), False, alias_ids[hit]) for toks, hit in alias_entries]
        stems = StemIndex(key)
        langs.append(
            (
                key,
                entries,
                sorted(negators(key)),
                {s: cues.id(c) for s, c in stems.prefixes.items()},
                {s: cues.id(c) for s, c in stems.exact.items()},
                list(stems.lengths),
                sorted(post_negators(key)),
            )
        )
    flipped, affiliate = cues.id(_stance._FLIPPED), cues.id(_stance._AFFILIATE)
    order = list(_lang.LANG_ORDER)
    return _native.Engine(
        cues=cues.specs,
        aliases=alias_specs,
        brands=list(brand_ids),
        langs=langs,
        sets={
            "first_person": sorted(FIRST_PERSON),
            "code_words": sorted(CODE_WORDS),
            "commerce": sorted(_brands.COMMERCE_WORDS),
            "object_pronouns": sorted(_brands._OBJECT_PRONOUNS),
            "store_prepositions": sorted(_brands._STORE_PREPOSITIONS),
            "contrasts": sorted(_stance._CONTRASTS),
            "post_negation_tail": sorted(POST_NEGATION_TAIL),
        },
        votes=[(w, [order.index(x) for x in ls]) for w, ls in _lang._VOTES.items()],
        letters=[(letter, order.index(x)) for letter, x in _lang._LETTERS.items()],
        lang_order=order,
        reasons=list(REASONS),
        question_proof=sorted(_stance._QUESTION_PROOF),
        flipped=flipped,
        affiliate=affiliate,
        max_cues=_stance._MAX_CUES,
        lone_flaw=float(_stance._LONE_FLAW),
        experience=float(_stance._EXPERIENCE),
        normalize_tag=normalize_tag,
        has_affiliate_code=has_affiliate_code,
        alnum_ranges=_ranges(str.isalnum),
        alpha_ranges=_ranges(str.isalpha),
        fallback=None if fallback is None else fallback.native_arrays(),
    )


@functools.lru_cache(maxsize=8)
def post_checker(limits: Limits) -> Any:
    """A ``deinfluence_native.PostChecker`` for ``limits``, or ``None`` without the module.

    ``check(values, docs, now_ms)`` answers per message: the event time of a valid single
    post, the event times of an envelope of valid posts, or ``None`` (the Python decoder
    decides: every invalid message and anything the fast path is not certain about).
    """
    if _native is None or not hasattr(_native, "PostChecker"):  # a wheel built before it
        return None
    return _native.PostChecker(
        limits.max_message_bytes, limits.max_envelope_posts, limits.max_text_chars,
        limits.max_json_depth, limits.max_post_id_chars, MIN_EVENT_MS, FUTURE_SLACK_MS,
        sorted(PLATFORMS), list(METRIC_FIELDS))


def pane_counter(
    n_counts: int, stance_cols: dict[str, int], other_stance_col: int, reason_cols: dict[str, int],
) -> Any:
    """A ``deinfluence_native.PaneCounter`` for a count-vector layout (``processors.counts``
    owns it), or ``None`` without the module. ``counts(posts, panes)`` returns what
    :func:`processors.counts.pane_counts` does, or ``None`` where Python must count."""
    if _native is None or not hasattr(_native, "PaneCounter"):  # a wheel built before it
        return None
    return _native.PaneCounter(
        n_counts, sorted(stance_cols.items()), other_stance_col, sorted(reason_cols.items()))


def classified_tally() -> Callable[[list[dict[str, Any]]], tuple[dict[Any, int], ...] | None] | None:
    """``deinfluence_native.tally_classified``, or ``None`` without the module (or with a
    wheel built before it). It returns the five ``Counter``s of
    ``WorkerMetrics.classified``'s loop as dicts, keys in the same order, or ``None`` where
    Python must count."""
    return getattr(_native, "tally_classified", None)


@functools.cache
def _ranges(test: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Non-ASCII code point ranges where ``test`` holds, per this interpreter's Unicode data."""
    out: list[tuple[int, int]] = []
    start = None
    for cp in range(0x80, 0x110001):
        ok = cp < 0x110000 and test(chr(cp))
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append((start, cp - 1))
            start = None
    return out
