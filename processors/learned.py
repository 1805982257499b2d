"""A learned fallback for the posts the rules have nothing to say about.

The rules are precise but bound by vocabulary: on posts by writers they have never seen,
most misses are de-influencing or promoting posts in which no cue of the lexicons occurs,
so the rules answer ``neutral`` with no evidence. :class:`Fallback` is a multinomial
logistic regression over hashed character 2-5-grams of each token, the tokens themselves
and token bigrams (the tokens of :func:`processors.tokens.tokenize`, so inflections,
compounds and misspellings of words it was trained on still count). It is asked only when
the rules decided ``neutral`` with no neutral evidence of their own (no commentary, news or
mixed-view cue), and it changes the stance only when a polar class reaches
:attr:`Fallback.threshold`. The post then carries the cue :data:`LEARNED_CUE`, so a reader
of ``cues`` sees which judge decided.

Features: each n-gram string is hashed with CRC-32 (``zlib.crc32`` of its UTF-8 bytes;
the native engine computes the same), masked to ``bits`` bits; a post's feature vector
is the set of its buckets, each with value ``1/sqrt(number of buckets)``. Weights are summed
as integers in units of 2^-20 (:func:`_fixed`), exact in any order, so both engines give the
same probability to the last bit without sorting the buckets.

The same model carries a second head, :class:`ReasonHead`: one logistic regression per
reason of :data:`~processors.reasons.REASONS` over the same features, trained on
de-influencing posts only. A post whose final stance is ``deinfluencing`` (decided by the
rules or by the fallback) gets the reasons whose probability reaches the head's threshold,
in addition to the ones its cues name: the rules find a reason only where a topic word of the
lexicons occurs ("the seam split" says quality without one).

The packaged model (``data/fallback.bin``) is trained by ``deinfluence train-fallback``
(:mod:`processors.learned_train`) on the project's labeled sets; a user with labeled posts
of their own trains one the same way and points ``DEINFLUENCE_FALLBACK`` at it.
"""

from __future__ import annotations

import functools
import math
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from deinfluence.processors.reasons import REASONS
from deinfluence.processors.tokens import QUOTE_CLOSE, QUOTE_OPEN

CLASSES = ("deinfluencing", "promoting", "neutral")
LEARNED_CUE = "~learned"
DEFAULT_MODEL = Path(__file__).parent / "data" / "fallback.bin"
_MAGIC = b"DIFALLB1"  # the stance head alone (session 26's files)
_MAGIC_REASONS = b"DIFALLB2"  # the stance head, then the reason head
_HEADER = struct.Struct("<8sIIf3f")  # magic, bits, buckets, threshold, bias per class
_REASON_HEADER = struct.Struct(f"<IIf{len(REASONS)}f")  # reasons, buckets, threshold, bias per reason
_MIN_N, _MAX_N = 2, 5
__all__ = [
    "CLASSES", "DEFAULT_MODEL", "LEARNED_CUE", "Fallback", "FallbackError", "ReasonHead", "buckets", "grams",
    "load_fallback",
]


class FallbackError(ValueError):
    """A model file that cannot be read."""


def grams(toks: Sequence[str]) -> Iterable[str]:
    """The feature strings of a token list (duplicates included).

    Example:
        >>> sorted(set(grams(["ok", "!"])))
        [' !', ' ! ', ' o', ' ok', ' ok ', '! ', 'b ok !', 'k ', 'ok', 'ok ', 'w !', 'w ok']
    """
    words = [t for t in toks if t != QUOTE_OPEN and t != QUOTE_CLOSE]
    for t in words:
        yield "w " + t
        padded = " " + t + " "
        size = len(padded)
        for n in range(_MIN_N, min(_MAX_N, size) + 1):
            for i in range(size - n + 1):
                yield padded[i : i + n]
    for a, b in zip(words, words[1:], strict=False):
        yield "b " + a + " " + b


def buckets(toks: Sequence[str], bits: int) -> list[int]:
    """Sorted distinct hash buckets of the post's feature strings."""
    mask = (1 << bits) - 1
    crc = zlib.crc32
    return sorted({crc(g.encode("utf-8", "surrogatepass")) & mask for g in grams(toks)})


def _le(values: array[Any]) -> bytes:
    """An array's bytes, little-endian."""
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _arrays(body: bytes, n: int, per_bucket: int) -> tuple[array[int], array[float]]:
    """``n`` bucket ids, then ``per_bucket`` weights each, from little-endian bytes."""
    ids, vals = array("I"), array("f")
    ids.frombytes(body[: n * 4])
    vals.frombytes(body[n * 4 : n * 4 * (1 + per_bucket)])
    if sys.byteorder == "big":
        ids.byteswap()
        vals.byteswap()
    return ids, vals


_SCALE = 2.0**20  # weights are summed as integers in units of 1/_SCALE
_MAX_WEIGHT = 2.0**10  # larger weights are refused: a weight in units fits 32 bits


def _fixed(w: float) -> int:
    """A weight in units of 2^-20, truncated toward zero (``learned.rs`` does the same)."""
    return int(w * _SCALE)


def _fixed_table(ids: Sequence[int], weights: Sequence[float], k: int) -> dict[int, tuple[int, ...]]:
    """Bucket -> its ``k`` weights in units (what the Python engine scores with)."""
    return {b: tuple(_fixed(weights[k * i + j]) for j in range(k)) for i, b in enumerate(ids)}


def _sums(table: dict[int, tuple[int, ...]], found: Sequence[int], k: int) -> list[int]:
    """Each output's integer weights summed over the post's buckets (exact, in any order)."""
    sums = [0] * k
    for b in found:
        row = table.get(b)
        if row is not None:
            for j in range(k):
                sums[j] += row[j]
    return sums


def _check_weights(weights: Iterable[float]) -> None:
    if not all(abs(w) < _MAX_WEIGHT for w in weights):  # also false for NaN
        raise FallbackError(f"fallback model: a weight is not finite or not below {_MAX_WEIGHT:g}")


def _unit(n: int) -> float:
    """What turns a post's integer sum into its score: ``1/sqrt(n)`` per bucket, in units."""
    return 1.0 / math.sqrt(n) / _SCALE if n else 0.0


def _sigmoid(s: float) -> float:
    """The logistic function without overflow (``learned.rs`` computes it the same way)."""
    if s >= 0.0:
        return 1.0 / (1.0 + math.exp(-s))
    e = math.exp(s)
    return e / (1.0 + e)


class ReasonHead:
    """One logistic regression per reason (order of :data:`REASONS`) over the fallback's
    features: ``weights`` holds :data:`REASONS`-many per bucket of ``ids``."""

    __slots__ = ("ids", "weights", "bias", "threshold", "_table")

    def __init__(self, ids: array[int], weights: array[float], bias: Sequence[float], threshold: float) -> None:
        k = len(REASONS)
        if len(weights) != k * len(ids) or len(bias) != k:
            raise FallbackError(f"a reason head of {len(ids)} buckets needs {k * len(ids)} weights "
                                f"and {k} biases, got {len(weights)} and {len(bias)}")
        _check_weights(weights)
        self.ids, self.weights, self.bias, self.threshold = ids, weights, tuple(bias), threshold
        self._table: dict[int, tuple[int, ...]] | None = None

    def probabilities(self, found: Sequence[int]) -> list[float]:
        """Each reason's probability for a post's distinct buckets (:meth:`Fallback.features`)."""
        k = len(REASONS)
        if self._table is None:
            self._table = _fixed_table(self.ids, self.weights, k)
        sums = _sums(self._table, found, k)
        v = _unit(len(found))
        return [_sigmoid(float(sums[j]) * v + self.bias[j]) for j in range(k)]

    def pick(self, found: Sequence[int]) -> list[str]:
        """The reasons reaching the threshold, in :data:`REASONS` order."""
        return [r for r, p in zip(REASONS, self.probabilities(found), strict=True) if p >= self.threshold]


class Fallback:
    """Weights per bucket and class (only the buckets seen in training), bias, threshold,
    and optionally a :class:`ReasonHead`.

    ``ids`` (sorted bucket numbers) and ``weights`` (three per bucket, class order of
    :data:`CLASSES`) are compact arrays; the dict the Python engine scores with is built on
    its first use, so a worker whose native engine does the scoring never pays for it.
    """

    __slots__ = ("bits", "ids", "weights", "bias", "threshold", "reasons", "_table")

    def __init__(
        self, bits: int, ids: array[int], weights: array[float],
        bias: tuple[float, float, float], threshold: float, reasons: ReasonHead | None = None,
    ) -> None:
        if len(weights) != 3 * len(ids):
            raise FallbackError(f"{len(ids)} buckets need {3 * len(ids)} weights, got {len(weights)}")
        _check_weights(weights)
        self.bits, self.ids, self.weights = bits, ids, weights
        self.bias, self.threshold, self.reasons = bias, threshold, reasons
        self._table: dict[int, tuple[int, ...]] | None = None

    @classmethod
    def load(cls, path: Path) -> Fallback:
        """Read a model written by :meth:`save` (or a session-26 file, without a reason head);
        :class:`FallbackError` names what is wrong."""
        try:
            raw = zlib.decompress(Path(path).read_bytes())
            magic, bits, n, threshold, *bias = _HEADER.unpack_from(raw)
            head = _REASON_HEADER.unpack_from(raw, _HEADER.size) if magic == _MAGIC_REASONS else None
        except (OSError, zlib.error, struct.error) as exc:
            raise FallbackError(f"cannot read fallback model {path}: {exc}") from exc
        if magic not in (_MAGIC, _MAGIC_REASONS) or not 8 <= bits <= 24:
            raise FallbackError(f"{path} is not a deinfluence fallback model")
        if head is not None and head[0] != len(REASONS):
            raise FallbackError(f"{path}: a reason head of {head[0]} reasons, expected {len(REASONS)}")
        body = raw[_HEADER.size + (0 if head is None else _REASON_HEADER.size) :]
        m = 0 if head is None else head[1]
        if len(body) != n * 16 + m * 4 * (1 + len(REASONS)):
            raise FallbackError(f"{path}: expected {n} + {m} buckets, the file is truncated or padded")
        ids, vals = _arrays(body, n, 3)
        reasons = None
        if head is not None:
            rids, rvals = _arrays(body[n * 16 :], m, len(REASONS))
            reasons = ReasonHead(rids, rvals, head[3:], head[2])
        return cls(bits, ids, vals, (bias[0], bias[1], bias[2]), threshold, reasons)

    def save(self, path: Path) -> None:
        """Write the model (zlib-compressed little-endian arrays)."""
        r = self.reasons
        header = _HEADER.pack(_MAGIC if r is None else _MAGIC_REASONS, self.bits, len(self.ids),
                              self.threshold, *self.bias)
        parts = [header, _le(self.ids), _le(self.weights)]
        if r is not None:
            parts[1:1] = [_REASON_HEADER.pack(len(REASONS), len(r.ids), r.threshold, *r.bias)]
            parts += [_le(r.ids), _le(r.weights)]
        Path(path).write_bytes(zlib.compress(b"".join(parts), 9))

    def native_arrays(self) -> tuple[Any, ...]:
        """The model as ``native/src/learned.rs`` takes it (little-endian arrays): bits, ids,
        weights, bias, threshold, then the reason head's ids, weights, bias and threshold, or
        ``None``."""
        r = self.reasons
        head = None if r is None else (_le(r.ids), _le(r.weights), list(r.bias), r.threshold)
        return self.bits, _le(self.ids), _le(self.weights), self.bias, self.threshold, head

    def features(self, toks: Sequence[str]) -> list[int]:
        """The post's distinct buckets: what both heads read."""
        return buckets(toks, self.bits)

    def probabilities(self, found: Sequence[int]) -> tuple[float, float, float]:
        """Class probabilities (order of :data:`CLASSES`) of a post's :meth:`features`."""
        if self._table is None:
            self._table = _fixed_table(self.ids, self.weights, 3)
        s0, s1, s2 = _sums(self._table, found, 3)
        v = _unit(len(found))
        scores = (float(s0) * v + self.bias[0], float(s1) * v + self.bias[1], float(s2) * v + self.bias[2])
        top = max(scores)
        e = [math.exp(s - top) for s in scores]
        total = e[0] + e[1] + e[2]
        return (e[0] / total, e[1] / total, e[2] / total)

    def judge(self, found: Sequence[int]) -> tuple[str, float] | None:
        """``(stance, probability)`` when a polar class wins with at least the threshold."""
        p = self.probabilities(found)
        best = 0 if p[0] >= p[1] else 1
        if p[best] >= p[2] and p[best] >= self.threshold:
            return CLASSES[best], p[best]
        return None

    def learned_reasons(self, found: Sequence[int]) -> list[str]:
        """The reason head's reasons for a de-influencing post (none without a head)."""
        return [] if self.reasons is None else self.reasons.pick(found)


def load_fallback(spec: str | Path | None) -> Fallback | None:
    """``"default"``: the packaged model; ``"off"``, ``""`` or ``None``: no fallback; else a path."""
    if spec is None or str(spec).strip().lower() in ("off", ""):
        return None
    if str(spec).strip().lower() == "default":
        return _packaged()
    return Fallback.load(Path(spec))


@functools.lru_cache(maxsize=1)
def _packaged() -> Fallback:
    return Fallback.load(DEFAULT_MODEL)
