"""Bounded label values for metrics: tracked keys plus a stable top K, the rest ``other``.

A metric labelled by brand or hashtag must not grow one series per distinct value seen
(a million hashtags would be a million series). :class:`CardinalityGuard` decides which
keys get their own label value:

- keys declared *tracked* (brands marked ``tracked: true`` in the catalog) always do;
- at most ``top_k`` further keys, the heaviest by volume, do;
- everything else folds into ``other``.

Volume is estimated with a Misra-Gries heavy-hitters summary of ``capacity`` counters
(default ``10 * top_k``), so memory is bounded whatever the stream. The summary gives, for
each key, a lower bound (its counter) and an upper bound (counter plus the total amount
decremented so far). A key displaces the weakest promoted key only when its lower bound
beats ``hysteresis`` times that key's upper bound: two keys of similar volume never swap
back and forth, and a flood of one-off keys (lower bound 1) never displaces anything.

Pure logic: no metrics library is imported here; ``streams.metrics`` applies the labels
and removes the series of keys reported by :meth:`CardinalityGuard.drain_evicted`.

Example:
    >>> guard = CardinalityGuard(top_k=1, tracked=["dyson"])
    >>> [guard.observe(k) for k in ["dyson", "stanley", "stanley", "owala"]]
    ['dyson', 'stanley', 'stanley', 'other']
"""

from __future__ import annotations

from collections.abc import Iterable

OTHER = "other"


class CardinalityGuard:
    """Maps raw keys to bounded label values (tracked, top K by volume, or ``other``).

    Args:
        top_k: how many untracked keys may get their own label value.
        tracked: keys that always get their own label value (not counted in ``top_k``).
        capacity: counters kept by the heavy-hitters summary (default ``10 * top_k``).
        hysteresis: a challenger must exceed the weakest promoted key's volume by this
            factor to displace it (> 1 prevents flapping).
        min_volume: a key needs at least this many observations to be promoted.
        other: the label value of everything else.
    """

    def __init__(
        self,
        top_k: int,
        tracked: Iterable[str] = (),
        *,
        capacity: int | None = None,
        hysteresis: float = 1.5,
        min_volume: int = 1,
        other: str = OTHER,
    ) -> None:
        if top_k < 0:
            raise ValueError(f"top_k must be >= 0, got {top_k}")
        if hysteresis < 1.0:
            raise ValueError(f"hysteresis must be >= 1, got {hysteresis}")
        self.top_k = top_k
        self.tracked = frozenset(tracked) - {other}
        self.capacity = max(capacity if capacity is not None else 10 * top_k, top_k, 1)
        self.hysteresis = hysteresis
        self.min_volume = max(1, min_volume)
        self.other = other
        self._counts: dict[str, int] = {}
        self._decremented = 0  # total subtracted from every counter so far (Misra-Gries)
        self._promoted: set[str] = set()
        self._weakest: str | None = None  # cached promoted key with the smallest upper bound
        self._evicted: list[str] = []

    # -- public API --------------------------------------------------------------------

    def observe(self, key: str, weight: int = 1) -> str:
        """Count ``weight`` occurrences of ``key`` and return the label value to use."""
        if key in self.tracked:
            return key
        if weight <= 0:
            return self.label(key)
        self._count(key, weight)
        if key in self._promoted:
            if key == self._weakest:
                self._weakest = None  # it grew: the minimum may have moved
            return key
        if self._try_promote(key):
            return key
        return self.other

    def label(self, key: str) -> str:
        """The label value for ``key`` without counting it."""
        return key if key in self.tracked or key in self._promoted else self.other

    @property
    def labels(self) -> frozenset[str]:
        """Every label value currently in use, ``other`` included."""
        return frozenset(self.tracked | self._promoted | {self.other})

    def drain_evicted(self) -> list[str]:
        """Keys demoted to ``other`` since the last call (their series should be removed)."""
        evicted, self._evicted = self._evicted, []
        return evicted

    def volume(self, key: str) -> tuple[int, int]:
        """Lower and upper bound of the volume observed for an untracked ``key``."""
        low = self._counts.get(key, 0)
        return low, low + self._decremented

    # -- internals ---------------------------------------------------------------------

    def _count(self, key: str, weight: int) -> None:
        counts = self._counts
        if key in counts:
            counts[key] += weight
            return
        if len(counts) < self.capacity:
            counts[key] = weight
            return
        # Misra-Gries step: subtract the same amount from every counter (and the newcomer).
        step = min(weight, min(counts.values()))
        self._decremented += step
        self._counts = {k: c - step for k, c in counts.items() if c > step}
        if weight > step:
            self._counts[key] = weight - step
        self._weakest = None

    def _try_promote(self, key: str) -> bool:
        low = self._counts.get(key, 0)
        if low < self.min_volume:
            return False
        if len(self._promoted) < self.top_k:
            self._promote(key)
            return True
        if self.top_k == 0 or low <= self.hysteresis * self._decremented:
            return False  # cheap necessary condition: every upper bound is >= _decremented
        weakest = self._find_weakest()
        if low <= self.hysteresis * self.volume(weakest)[1]:
            return False
        self._promoted.discard(weakest)
        self._evicted.append(weakest)
        self._promote(key)
        return True

    def _promote(self, key: str) -> None:
        self._promoted.add(key)
        self._weakest = None

    def _find_weakest(self) -> str:
        if self._weakest is None or self._weakest not in self._promoted:
            counts = self._counts
            self._weakest = min(self._promoted, key=lambda k: (counts.get(k, 0), k))
        return self._weakest
