"""Training of the learned fallback (:mod:`processors.learned`); needs numpy.

Multinomial logistic regression with L2 regularisation and balanced class weights, fitted by
full-batch Adam over the sparse feature matrix (no randomness: the same posts give the same
model on the same numpy). A few thousand posts train in seconds. Only the buckets that occur
in the training posts get weights, so the model file holds those alone.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence

import numpy as np

from deinfluence.processors.learned import CLASSES, Fallback, buckets

__all__ = ["train"]


def train(
    token_lists: Sequence[Sequence[str]],
    stances: Sequence[str],
    *,
    bits: int = 18,
    c: float = 5.0,
    iterations: int = 400,
    threshold: float = 0.5,
    progress: Callable[[int, float], None] | None = None,
) -> Fallback:
    """Fit a :class:`Fallback` to posts' tokens and their labeled stances.

    ``c`` is the inverse regularisation strength (as in scikit-learn: the penalty is
    ``|W|^2 / (2 c n)`` per post); ``progress(iteration, loss)`` is called every 50 iterations.
    """
    if len(token_lists) != len(stances) or not stances:
        raise ValueError("train needs one stance per token list, and at least one post")
    unknown = sorted(set(stances) - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown stance labels: {', '.join(unknown)}")
    rows = [buckets(toks, bits) for toks in token_lists]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    cols = np.fromiter((b for r in rows for b in r), dtype=np.int64, count=int(lengths.sum()))
    used, cols = np.unique(cols, return_inverse=True)  # train on the buckets that occur only
    vals = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths)
    row_of = np.repeat(np.arange(len(rows)), lengths)
    n, k = len(rows), len(CLASSES)
    y = np.array([CLASSES.index(s) for s in stances])
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    per_class = onehot.sum(0)
    sample_weight = (n / (k * np.maximum(per_class, 1.0)))[y]
    lam = 1.0 / (c * n)
    w = np.zeros((len(used), k))
    b = np.zeros(k)
    state = [np.zeros_like(w), np.zeros_like(w), np.zeros(k), np.zeros(k)]
    nonempty = lengths > 0
    for it in range(1, iterations + 1):
        scores = np.zeros((n, k))
        contrib = w[cols] * vals[:, None]
        if len(cols):
            scores[nonempty] = np.add.reduceat(contrib, starts[nonempty], axis=0)
        scores += b
        scores -= scores.max(1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(1, keepdims=True)
        grad_rows = (p - onehot) * sample_weight[:, None] / n
        gw = np.zeros_like(w)
        np.add.at(gw, cols, grad_rows[row_of] * vals[:, None])
        gw += lam * w
        gb = grad_rows.sum(0)
        for param, grad, m, v in ((w, gw, state[0], state[1]), (b, gb, state[2], state[3])):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            param -= 0.05 * (m / (1 - 0.9**it)) / (np.sqrt(v / (1 - 0.999**it)) + 1e-8)
        if progress is not None and (it % 50 == 0 or it == iterations):
            loss = -float((sample_weight * np.log(p[np.arange(n), y] + 1e-12)).sum() / n)
            progress(it, loss + 0.5 * lam * float((w * w).sum()))
    weights = array("f", w.astype(np.float32).ravel().tobytes())
    bias = array("f", b.astype(np.float32).tobytes())
    return Fallback(bits, array("I", used.astype(np.uint32).tobytes()), weights,
                    (bias[0], bias[1], bias[2]), float(np.float32(threshold)))
