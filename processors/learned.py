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
is the set of its buckets, each with value ``1/sqrt(number of buckets)``. Scores are
summed in ascending bucket order in double precision, so both engines give the same
probability to the last bit.

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

from deinfluence.processors.tokens import QUOTE_CLOSE, QUOTE_OPEN

CLASSES = ("deinfluencing", "promoting", "neutral")
LEARNED_CUE = "~learned"
DEFAULT_MODEL = Path(__file__).parent / "data" / "fallback.bin"
_MAGIC = b"DIFALLB1"
_HEADER = struct.Struct("<8sIIf3f")  # magic, bits, buckets, threshold, bias per class
_MIN_N, _MAX_N = 2, 5
__all__ = [
    "CLASSES", "DEFAULT_MODEL", "LEARNED_CUE", "Fallback", "FallbackError", "buckets", "grams", "load_fallback",
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


class Fallback:
    """Weights per bucket and class (only the buckets seen in training), bias, threshold.

    ``ids`` (sorted bucket numbers) and ``weights`` (three per bucket, class order of
    :data:`CLASSES`) are compact arrays; the dict the Python engine scores with is built on
    its first use, so a worker whose native engine does the scoring never pays for it.
    """

    __slots__ = ("bits", "ids", "weights", "bias", "threshold", "_table")

    def __init__(
        self, bits: int, ids: array[int], weights: array[float],
        bias: tuple[float, float, float], threshold: float,
    ) -> None:
        if len(weights) != 3 * len(ids):
            raise FallbackError(f"{len(ids)} buckets need {3 * len(ids)} weights, got {len(weights)}")
        self.bits, self.ids, self.weights = bits, ids, weights
        self.bias, self.threshold = bias, threshold
        self._table: dict[int, tuple[float, float, float]] | None = None

    @classmethod
    def load(cls, path: Path) -> Fallback:
        """Read a model written by :meth:`save`; :class:`FallbackError` names what is wrong."""
        try:
            raw = zlib.decompress(Path(path).read_bytes())
            magic, bits, n, threshold, *bias = _HEADER.unpack_from(raw)
        except (OSError, zlib.error, struct.error) as exc:
            raise FallbackError(f"cannot read fallback model {path}: {exc}") from exc
        if magic != _MAGIC or not 8 <= bits <= 24:
            raise FallbackError(f"{path} is not a deinfluence fallback model")
        body = raw[_HEADER.size :]
        if len(body) != n * 16:
            raise FallbackError(f"{path}: expected {n} buckets, the file is truncated or padded")
        ids, vals = array("I"), array("f")
        ids.frombytes(body[: n * 4])
        vals.frombytes(body[n * 4 :])
        if sys.byteorder == "big":
            ids.byteswap()
            vals.byteswap()
        return cls(bits, ids, vals, (bias[0], bias[1], bias[2]), threshold)

    def save(self, path: Path) -> None:
        """Write the model (zlib-compressed little-endian arrays)."""
        bits, ids, vals, bias, threshold = self.native_arrays()
        header = _HEADER.pack(_MAGIC, bits, len(self.ids), threshold, *bias)
        Path(path).write_bytes(zlib.compress(header + ids + vals, 9))

    def native_arrays(self) -> tuple[int, bytes, bytes, tuple[float, float, float], float]:
        """The model as ``native/src/learned.rs`` takes it (little-endian arrays)."""
        ids, vals = array("I", self.ids), array("f", self.weights)
        if sys.byteorder == "big":
            ids.byteswap()
            vals.byteswap()
        return self.bits, ids.tobytes(), vals.tobytes(), self.bias, self.threshold

    def probabilities(self, toks: Sequence[str]) -> tuple[float, float, float]:
        """Class probabilities (order of :data:`CLASSES`)."""
        table = self._table
        if table is None:
            w = self.weights
            table = self._table = {b: (w[3 * i], w[3 * i + 1], w[3 * i + 2]) for i, b in enumerate(self.ids)}
        found = buckets(toks, self.bits)
        s0 = s1 = s2 = 0.0
        get = table.get
        for b in found:
            hit = get(b)
            if hit is not None:
                s0 += hit[0]
                s1 += hit[1]
                s2 += hit[2]
        v = 1.0 / math.sqrt(len(found)) if found else 0.0
        scores = (s0 * v + self.bias[0], s1 * v + self.bias[1], s2 * v + self.bias[2])
        top = max(scores)
        e = [math.exp(s - top) for s in scores]
        total = e[0] + e[1] + e[2]
        return (e[0] / total, e[1] / total, e[2] / total)

    def judge(self, toks: Sequence[str]) -> tuple[str, float] | None:
        """``(stance, probability)`` when a polar class wins with at least the threshold."""
        p = self.probabilities(toks)
        best = 0 if p[0] >= p[1] else 1
        if p[best] >= p[2] and p[best] >= self.threshold:
            return CLASSES[best], p[best]
        return None


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
