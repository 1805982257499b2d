"""Combine stage, per post_id partition: dedup, then per-key pane pre-aggregation.

Posts arrive here routed by ``post_id``, so a post_id sent twice, through any raw
partition, meets its first copy. State lives in one mapping (a Faust table in the
worker, a dict in backfill) so that all writes of partition ``q`` go, in order, to one
changelog partition:

- ``{q}|P|{key}|{pane}`` -> ``[applied_position, *counts]``: cumulative counts of the
  posts of this partition in that pane, through input position ``applied_position``;
- ``{q}|D|{offset}`` -> ``[[post_id, position, event_ms], ...]``: dedup memory, one entry
  per input message (not per post: a changelog record per post would double the traffic),
  indexed by post_id in memory and rebuilt from the entries after a restart;
- ``{q}|S`` -> ``{source: [watermark, idle]}``: what each raw partition reported;
- ``{q}|W`` -> ``[last_position, effective_watermark]``: progress, written *last* by the
  caller after every output of the batch is acknowledged.

Why it is exact after a crash: the changelog of one partition is a prefix of the writes,
so a restored ``{q}|W`` proves every earlier write survived. Messages up to its position
are skipped; later ones are re-applied, and each pane entry skips positions it already
holds. Cumulative values (not deltas) go downstream, so re-sending them is harmless. A
re-routed copy of a post (the source stage replaying after a crash) is a duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deinfluence.processors.counts import N_COUNTS, contributions, count_vector, pane_counts
from deinfluence.processors.eventtime import (
    EventTimeConfig,
    Item,
    effective_watermark,
    last_position,
    position,
    record_report,
)
from deinfluence.processors.windows import pane_of

HOUR_MS = 3_600_000


@dataclass(slots=True)
class RoutedBatch:
    """One message of the repartition topic: posts of one raw partition's batch."""

    offset: int
    source: int
    watermark: int | None
    idle: bool
    sources: int
    posts: Sequence[tuple[int, dict[str, Any]]] = ()  # (event_ms, routed post)


@dataclass(slots=True)
class CombineResult:
    """What one batch produced; ``progress`` must be stored after outputs are acked."""

    partials: list[tuple[str, int, list[int]]] = field(default_factory=list)
    counted: int = 0
    duplicates: int = 0
    replayed: int = 0
    through: int = -1
    watermark: int | None = None
    progress: list[Any] | None = None
    expired: int = 0


class CombineFold:
    """Dedup and pane pre-aggregation for one partition of the repartition topic."""

    def __init__(self, partition: int, store: MutableMapping[str, Any], cfg: EventTimeConfig) -> None:
        self.q = partition
        self.store = store
        self.cfg = cfg
        self._prefix = f"{partition}|"
        self._panes: dict[int, set[str]] = defaultdict(set)
        self._dedup: dict[int, list[str]] = defaultdict(list)  # hour -> D keys expiring then
        self._seen: dict[str, int] = {}  # post_id -> first position
        self._max_applied = -1
        self._indexed = False

    @property
    def progress_key(self) -> str:
        return f"{self.q}|W"

    def progress(self) -> list[Any]:
        return self.store.get(self.progress_key) or [-1, None]

    def process(self, batches: Sequence[RoutedBatch]) -> CombineResult:
        """Apply routed messages (ascending offsets) and return what to publish."""
        self._ensure_index()
        last, previous_wm = self.progress()
        res = CombineResult(through=last)
        counted: list[Item] = []
        sources = 0
        for batch in batches:
            if last_position(batch.offset) <= last:
                res.replayed += 1
                continue
            res.through = max(res.through, last_position(batch.offset))
            sources = max(sources, batch.sources)
            self._report(batch)
            first_seen: list[list[Any]] = []
            for index, (event_ms, post) in enumerate(batch.posts):
                item = Item(position(batch.offset, index), post, event_ms)
                if self._is_duplicate(item, first_seen):
                    res.duplicates += 1
                else:
                    counted.append(item)
            self._remember(batch.offset, first_seen)
        res.counted = len(counted)
        res.partials = self._apply(counted, res.through)
        res.watermark = effective_watermark(self._reported(), sources, previous_wm)
        if res.watermark is not None:
            res.expired = self._expire(res.watermark)
        res.progress = [res.through, res.watermark]
        return res

    def commit(self, result: CombineResult) -> None:
        """Store the batch's progress marker (after its outputs are acknowledged)."""
        if result.progress is not None:
            self.store[self.progress_key] = result.progress

    def _report(self, batch: RoutedBatch) -> None:
        record_report(self.store, f"{self.q}|S", batch.source, batch.watermark, batch.idle)

    def _reported(self) -> dict[int, list[Any]]:
        return {int(src): v for src, v in (self.store.get(f"{self.q}|S") or {}).items()}

    def _is_duplicate(self, item: Item, first_seen: list[list[Any]]) -> bool:
        post_id = item.post["post_id"]
        seen = self._seen.get(post_id)
        if seen is not None:
            return seen != item.offset  # the same position is a replay, not a duplicate
        self._seen[post_id] = item.offset
        first_seen.append([post_id, item.offset, item.event_ms])
        return False

    def _remember(self, offset: int, first_seen: list[list[Any]]) -> None:
        """Persist the post_ids first seen in one input message, as one entry."""
        if not first_seen:
            return
        dkey = f"{self.q}|D|{offset}"
        old = self.store.get(dkey)
        if old is not None:  # a replay of the message: keep what the entry already holds
            known = {row[0] for row in old}
            first_seen = old + [row for row in first_seen if row[0] not in known]
        self.store[dkey] = first_seen
        self._dedup[max(row[2] for row in first_seen) // HOUR_MS].append(dkey)

    def _apply(self, items: list[Item], through: int) -> list[tuple[str, int, list[int]]]:
        pane_ms = self.cfg.pane_ms
        if not items:
            return []
        if items[0].offset > self._max_applied:  # fast path: nothing in the batch was applied
            deltas = pane_counts([it.post for it in items], [pane_of(it.event_ms, pane_ms) for it in items])
        else:
            deltas = self._replay_deltas(items)
        out = []
        for (key, pane), delta in deltas.items():
            ekey = f"{self.q}|P|{key}|{pane}"
            entry = self.store.get(ekey) or [-1] + [0] * N_COUNTS
            # max: after a restart the entry may already hold items beyond this batch
            entry = [max(through, entry[0])] + [a + b for a, b in zip(entry[1:], delta, strict=True)]
            self.store[ekey] = entry
            self._panes[pane].add(ekey)
            out.append((key, pane, entry[1:]))
        self._max_applied = max(self._max_applied, through)
        return out

    def _replay_deltas(self, items: list[Item]) -> dict[tuple[str, int], list[int]]:
        """Slow path after a restart: skip per entry what it already holds.

        Every touched entry is returned, even one that already held all its items: its
        cumulative value may never have reached the roll-up before the crash.
        """
        deltas: dict[tuple[str, int], list[int]] = {}
        for it in items:
            pane = pane_of(it.event_ms, self.cfg.pane_ms)
            for key, stance in contributions(it.post):
                acc = deltas.setdefault((key, pane), [0] * N_COUNTS)
                entry = self.store.get(f"{self.q}|P|{key}|{pane}")
                if entry is not None and entry[0] >= it.offset:
                    continue
                vec = count_vector(it.post, stance)
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
                for post_id, *_ in self.store.pop(dkey, None) or ():
                    self._seen.pop(post_id, None)
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
                self._panes[int(key.rsplit("|", 1)[1])].add(key)
                self._max_applied = max(self._max_applied, self.store[key][0])
            elif kind == "D":
                rows = self.store[key]
                for post_id, pos, _ in rows:
                    self._seen.setdefault(post_id, pos)
                self._dedup[max(row[2] for row in rows) // HOUR_MS].append(key)
