"""Training of the learned fallback (:mod:`processors.learned`); needs numpy.

Both heads are logistic regressions with L2 regularisation and balanced class weights,
fitted by full-batch Adam over the sparse feature matrix (no randomness: the same posts give
the same model on the same numpy). The stance head is multinomial over all posts; the reason
head is one binary regression per reason over the de-influencing posts. A few thousand posts
train in seconds. Only the buckets that occur in a head's training posts get weights, so
the model file holds those alone.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from deinfluence.processors.learned import CLASSES, Fallback, ReasonHead, buckets
from deinfluence.processors.reasons import REASONS

__all__ = ["train"]

Progress = Callable[[str, int, float], None]


@dataclass(frozen=True)
class _Design:
    """A sparse feature matrix: row ``i`` holds ``cols[starts[i]:starts[i]+lengths[i]]``."""

    used: np.ndarray  # the distinct buckets, ascending; columns index into it
    cols: np.ndarray
    vals: np.ndarray
    starts: np.ndarray
    row_of: np.ndarray
    nonempty: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[Sequence[int]]) -> _Design:
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        cols = np.fromiter((b for r in rows for b in r), dtype=np.int64, count=int(lengths.sum()))
        used, cols = np.unique(cols, return_inverse=True)
        vals = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths)
        return cls(used, cols, vals, starts, np.repeat(np.arange(len(rows)), lengths), lengths > 0)

    def scores(self, w: np.ndarray) -> np.ndarray:
        out = np.zeros((len(self.starts), w.shape[1]))
        if len(self.cols):
            out[self.nonempty] = np.add.reduceat(w[self.cols] * self.vals[:, None],
                                                 self.starts[self.nonempty], axis=0)
        return out


def _fit(
    d: _Design, k: int, gradient: Callable[[np.ndarray], tuple[np.ndarray, float]], c: float,
    iterations: int, progress: Callable[[int, float], None] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights and bias minimising ``gradient``'s loss plus ``|W|^2 / (2 c n)``, by Adam.

    ``gradient(scores)`` returns the loss gradient per row and score (already divided by the
    number of rows) and the loss.
    """
    n = len(d.starts)
    lam = 1.0 / (c * n)
    w = np.zeros((len(d.used), k))
    b = np.zeros(k)
    state = [np.zeros_like(w), np.zeros_like(w), np.zeros(k), np.zeros(k)]
    for it in range(1, iterations + 1):
        grad_rows, loss = gradient(d.scores(w) + b)
        gw = np.zeros_like(w)
        np.add.at(gw, d.cols, grad_rows[d.row_of] * d.vals[:, None])
        gw += lam * w
        gb = grad_rows.sum(0)
        for param, grad, m, v in ((w, gw, state[0], state[1]), (b, gb, state[2], state[3])):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            param -= 0.05 * (m / (1 - 0.9**it)) / (np.sqrt(v / (1 - 0.999**it)) + 1e-8)
        if progress is not None and (it % 50 == 0 or it == iterations):
            progress(it, loss + 0.5 * lam * float((w * w).sum()))
    return w, b


def _f32(values: np.ndarray) -> array[float]:
    return array("f", values.astype(np.float32).ravel().tobytes())


def _stance_head(rows: Sequence[Sequence[int]], stances: Sequence[str], c: float, iterations: int,
                 progress: Callable[[int, float], None] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = _Design.of(rows)
    n, k = len(rows), len(CLASSES)
    y = np.array([CLASSES.index(s) for s in stances])
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    weight = (n / (k * np.maximum(onehot.sum(0), 1.0)))[y]

    def gradient(scores: np.ndarray) -> tuple[np.ndarray, float]:
        scores = scores - scores.max(1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(1, keepdims=True)
        loss = -float((weight * np.log(p[np.arange(n), y] + 1e-12)).sum() / n)
        return (p - onehot) * weight[:, None] / n, loss

    w, b = _fit(d, k, gradient, c, iterations, progress)
    return d.used, w, b


def _reason_head(rows: Sequence[Sequence[int]], reasons: Sequence[Sequence[str]], c: float, iterations: int,
                 progress: Callable[[int, float], None] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = _Design.of(rows)
    n = len(rows)
    y = np.array([[r in given for r in REASONS] for given in reasons], dtype=float).reshape(n, len(REASONS))
    positives = y.sum(0)
    weight = np.where(y > 0, n / (2 * np.maximum(positives, 1.0)), n / (2 * np.maximum(n - positives, 1.0)))

    def gradient(scores: np.ndarray) -> tuple[np.ndarray, float]:
        p = 1.0 / (1.0 + np.exp(-scores))
        loss = -float((weight * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum() / n)
        return (p - y) * weight / n, loss

    w, b = _fit(d, len(REASONS), gradient, c, iterations, progress)
    return d.used, w, b


def train(
    token_lists: Sequence[Sequence[str]],
    stances: Sequence[str],
    reasons: Sequence[Sequence[str]] | None = None,
    *,
    bits: int = 18,
    c: float = 5.0,
    iterations: int = 400,
    threshold: float = 0.5,
    reason_threshold: float = 0.5,
    progress: Progress | None = None,
) -> Fallback:
    """Fit a :class:`Fallback` to posts' tokens and their labeled stances, and, given the
    posts' labeled ``reasons``, its :class:`ReasonHead` on the de-influencing ones (none
    without ``reasons`` or without a de-influencing post).

    ``c`` is the inverse regularisation strength (as in scikit-learn: the penalty is
    ``|W|^2 / (2 c n)`` per post); ``progress(head, iteration, loss)`` is called every 50
    iterations of each head ("stance", "reasons").
    """
    if len(token_lists) != len(stances) or not stances:
        raise ValueError("train needs one stance per token list, and at least one post")
    if reasons is not None and len(reasons) != len(stances):
        raise ValueError("train needs one reason list per post")
    unknown = sorted(set(stances) - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown stance labels: {', '.join(unknown)}")
    unknown = sorted({r for given in reasons or () for r in given} - set(REASONS))
    if unknown:
        raise ValueError(f"unknown reasons: {', '.join(unknown)}")

    def report(head: str) -> Callable[[int, float], None] | None:
        return None if progress is None else lambda it, loss: progress(head, it, loss)

    rows = [buckets(toks, bits) for toks in token_lists]
    used, w, b = _stance_head(rows, stances, c, iterations, report("stance"))
    bias = _f32(b)
    head = None
    de = [i for i, s in enumerate(stances) if s == "deinfluencing"]
    if reasons is not None and de:
        rused, rw, rb = _reason_head([rows[i] for i in de], [reasons[i] for i in de], c, iterations,
                                     report("reasons"))
        head = ReasonHead(array("I", rused.astype(np.uint32).tobytes()), _f32(rw), list(_f32(rb)),
                          float(np.float32(reason_threshold)))
    return Fallback(bits, array("I", used.astype(np.uint32).tobytes()), _f32(w),
                    (bias[0], bias[1], bias[2]), float(np.float32(threshold)), head)
