"""Ingest stage, per raw partition: watermark, lateness, dedup, pane pre-aggregation.

State lives in one mapping (a Faust table in the worker, a dict in backfill) so that all
writes for one raw partition go, in order, to one changelog partition:

- ``{p}|P|{key}|{pane}`` -> ``[applied_offset, *counts]``: cumulative counts of the posts
  of raw partition ``p`` in that pane, through source offset ``applied_offset``;
- ``{p}|D|{post_id}`` -> ``[first_offset, event_ms]``: dedup memory;
- ``{p}|W`` -> ``[max_event_ms, last_offset]``: progress, written *last* by the caller,
  after every output of the batch is acknowledged.

Why it is exact after a crash: the changelog of one partition is a prefix of the writes,
so a restored ``{p}|W`` proves every earlier write survived. Events up to ``last_offset``
are skipped; later ones are re-applied, and each pane entry skips offsets it already
holds. Cumulative values (not deltas) go downstream, so re-sending is harmless.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deinfluence.processors.counts import N_COUNTS, contributions, count_vector, preaggregate
from deinfluence.processors.windows import pane_of

HOUR_MS = 3_600_000


@dataclass(frozen=True, slots=True)
class IngestConfig:
    """Event-time parameters shared by the ingest and roll-up stages."""

    pane_ms: int
    max_window_ms: int
    grace_ms: int = 600_000
    retention_ms: int = 30 * 86_400_000
    dedup_horizon_ms: int = 7 * 86_400_000

    def pane_expired(self, pane_start: int, watermark: int) -> bool:
        """True once every window holding the pane is final for longer than retention."""
        return watermark >= pane_start + self.max_window_ms + self.retention_ms


@dataclass(slots=True)
class Item:
    """One valid, classified post with its source position."""

    offset: int
    post: dict[str, Any]
    event_ms: int


@dataclass(slots=True)
class IngestResult:
    """What one batch produced; ``progress`` must be stored after outputs are acked."""

    partials: list[tuple[str, int, list[int]]] = field(default_factory=list)
    counted: list[Item] = field(default_factory=list)
    late: list[Item] = field(default_factory=list)
    duplicates: list[Item] = field(default_factory=list)
    replayed: int = 0
    through: int = -1
    watermark: int | None = None
    progress: list[int] | None = None
    expired: int = 0


class PartitionIngest:
    """The ingest fold for one raw partition over a shared state mapping."""

    def __init__(self, partition: int, store: MutableMapping[str, Any], cfg: IngestConfig) -> None:
        self.p = partition
        self.store = store
        self.cfg = cfg
        self._prefix = f"{partition}|"
        self._panes: dict[int, set[str]] = defaultdict(set)
        self._dedup: dict[int, list[str]] = defaultdict(list)
        self._max_applied = -1
        self._indexed = False

    @property
    def progress_key(self) -> str:
        return f"{self.p}|W"

    def progress_through(self) -> int:
        """Last source position fully applied (``-1`` before any)."""
        prog = self.store.get(self.progress_key)
        return -1 if prog is None else prog[1]

    def watermark(self) -> int | None:
        """Current watermark (max event time seen - grace), None before any event."""
        prog = self.store.get(self.progress_key)
        return None if prog is None or prog[0] is None else prog[0] - self.cfg.grace_ms

    def process(self, items: Sequence[Item], through: int | None = None) -> IngestResult:
        """Apply a batch of items (ascending positions) and return what to publish.

        ``through`` is the last source position the batch covers (including messages that
        held no valid post); it defaults to the last item's position.
        """
        self._ensure_index()
        prog = self.store.get(self.progress_key) or [None, -1]
        max_ev, last_off = prog[0], prog[1]
        last_item = items[-1].offset if items else -1
        res = IngestResult(through=max(last_off, last_item, -1 if through is None else through))
        for item in items:
            if item.offset <= last_off:
                res.replayed += 1  # fully applied and published before a restart
                continue
            wm = None if max_ev is None else max_ev - self.cfg.grace_ms
            if wm is not None and self.cfg.pane_expired(pane_of(item.event_ms, self.cfg.pane_ms), wm):
                res.late.append(item)
                continue
            if max_ev is None or item.event_ms > max_ev:
                max_ev = item.event_ms
            if self._is_duplicate(item):
                res.duplicates.append(item)
                continue
            res.counted.append(item)
        res.partials = self._apply(res.counted, res.through)
        res.watermark = None if max_ev is None else max_ev - self.cfg.grace_ms
        if res.watermark is not None:
            res.expired = self._expire(res.watermark)
        res.progress = [max_ev, res.through]
        return res

    def commit(self, result: IngestResult) -> None:
        """Store the batch's progress marker (after its outputs are acknowledged)."""
        if result.progress is not None:
            self.store[self.progress_key] = result.progress

    def _is_duplicate(self, item: Item) -> bool:
        dkey = f"{self.p}|D|{item.post['post_id']}"
        seen = self.store.get(dkey)
        if seen is not None:
            return bool(seen[0] != item.offset)  # the same offset is a replay, not a duplicate
        self.store[dkey] = [item.offset, item.event_ms]
        self._dedup[item.event_ms // HOUR_MS].append(dkey)
        return False

    def _apply(self, items: list[Item], through: int) -> list[tuple[str, int, list[int]]]:
        pane_ms = self.cfg.pane_ms
        if not items:
            return []
        if items[0].offset > self._max_applied:  # fast path: nothing in the batch was applied
            rows = (
                (key, pane_of(it.event_ms, pane_ms), count_vector(it.post, stance))
                for it in items
                for key, stance in contributions(it.post)
            )
            deltas = preaggregate(rows)
        else:
            deltas = self._replay_deltas(items)
        out = []
        for (key, pane), delta in deltas.items():
            ekey = f"{self.p}|P|{key}|{pane}"
            entry = self.store.get(ekey) or [-1] + [0] * N_COUNTS
            entry = [through] + [a + b for a, b in zip(entry[1:], delta, strict=True)]
            self.store[ekey] = entry
            self._panes[pane].add(ekey)
            out.append((key, pane, entry[1:]))
        self._max_applied = max(self._max_applied, through)
        return out

    def _replay_deltas(self, items: list[Item]) -> dict[tuple[str, int], list[int]]:
        """Slow path after a restart: skip per entry what it already holds."""
        deltas: dict[tuple[str, int], list[int]] = {}
        for it in items:
            pane = pane_of(it.event_ms, self.cfg.pane_ms)
            for key, stance in contributions(it.post):
                entry = self.store.get(f"{self.p}|P|{key}|{pane}")
                if entry is not None and entry[0] >= it.offset:
                    continue
                vec = count_vector(it.post, stance)
                acc = deltas.setdefault((key, pane), [0] * N_COUNTS)
                for i, v in enumerate(vec):
                    acc[i] += v
        return deltas

    def _expire(self, watermark: int) -> int:
        expired = 0
        for pane in [p for p in self._panes if self.cfg.pane_expired(p, watermark)]:
            for ekey in self._panes.pop(pane):
                self.store.pop(ekey, None)
                expired += 1
        horizon_hour = (watermark - self.cfg.dedup_horizon_ms) // HOUR_MS
        for hour in [h for h in self._dedup if h < horizon_hour]:
            for dkey in self._dedup.pop(hour):
                self.store.pop(dkey, None)
                expired += 1
        return expired

    def _ensure_index(self) -> None:
        """Rebuild in-memory expiry indexes from restored state, once."""
        if self._indexed:
            return
        self._indexed = True
        for key in list(self.store.keys()):
            if not key.startswith(self._prefix):
                continue
            kind = key[len(self._prefix)]
            if kind == "P":
                pane = int(key.rsplit("|", 1)[1])
                self._panes[pane].add(key)
                self._max_applied = max(self._max_applied, self.store[key][0])
            elif kind == "D":
                self._dedup[self.store[key][1] // HOUR_MS].append(key)
