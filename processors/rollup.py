"""Roll-up stage: merge per-source cumulative pane counts, build windows, decide finality.

State mapping (a Faust table sharded by the partials partition, or a dict in backfill):

- ``P|{key}|{pane}`` -> ``{source: [through_offset, *counts]}``. Merging keeps, per source
  partition, the value with the highest offset: idempotent, commutative, associative.
- ``W|{q}`` -> ``{source: [watermark_or_None, idle]}`` as reported by the combine stage.
- ``E|{q}`` -> the effective watermark up to which windows were finalised.
- ``I|{q}`` -> the next offset of partials partition ``q`` to read (the worker's; backfill
  has no offsets). Written last with ``E|{q}``, so a restored value proves the state holds
  every earlier input (``streams.continuity``).

Windows are sums of panes. A window is *final* once the effective watermark (min over the
active sources; max over all when every source is idle) reaches its end.

Every write is staged (:class:`~deinfluence.processors.staged.Staged`) and applied by
:meth:`PartitionRollup.commit` only after the records a step produced are acknowledged:
the step that moves the watermark is the one that publishes the final windows, so the
move must not survive a crash that lost them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deinfluence.processors.counts import N_COUNTS
from deinfluence.processors.eventtime import EventTimeConfig, effective_watermark, record_report
from deinfluence.processors.records import aggregate_record
from deinfluence.processors.staged import Staged
from deinfluence.processors.windows import WindowSpec, rfc3339

WindowId = tuple[str, WindowSpec, int]  # (key, spec, window start)


@dataclass(slots=True)
class SourceReport:
    """One combine batch as seen by one roll-up partition."""

    source: int
    through: int
    watermark: int | None
    idle: bool
    sources: int
    partials: Sequence[tuple[str, int, Sequence[int]]] = ()


@dataclass(slots=True)
class RollupOutput:
    """Records to publish after one roll-up step."""

    final: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    merged: int = 0
    stale: int = 0
    expired: int = 0


class PartitionRollup:
    """The roll-up fold for one partition ``q`` of the partials topic."""

    def __init__(
        self, q: int, store: MutableMapping[str, Any], cfg: EventTimeConfig,
        specs: Sequence[WindowSpec], owns: Callable[[str], bool] = lambda key: True,
    ) -> None:
        self.q = q
        self.store = Staged(store)
        self.cfg = cfg
        self.specs = list(specs)
        self._owns = owns
        self._by_key: dict[str, set[int]] = defaultdict(set)
        self._by_pane: dict[int, set[str]] = defaultdict(set)
        self._indexed = False
        self.pending: set[WindowId] = set()

    @property
    def effective(self) -> int | None:
        return self.store.get(f"E|{self.q}")

    @property
    def next_offset(self) -> int:
        """The first input offset the committed state has not seen (0 before any)."""
        return int(self.store.base.get(f"I|{self.q}") or 0)

    def step(self, reports: Iterable[SourceReport]) -> RollupOutput:
        """Merge reports, then finalise and evaluate windows the watermark has passed."""
        self._ensure_index()
        out = RollupOutput()
        dirty: set[tuple[str, int]] = set()
        sources = 0
        for rep in reports:
            sources = max(sources, rep.sources)
            for key, pane, counts in rep.partials:
                if self._merge(key, pane, rep.source, rep.through, counts):
                    dirty.add((key, pane))
                    out.merged += 1
                else:
                    out.stale += 1
            self._report_watermark(rep)
        before = self.effective
        after = self._effective_watermark(sources)
        for key, pane in dirty:
            for spec in self.specs:
                for start in spec.starts_containing(pane):
                    if before is not None and start + spec.size_ms <= before:
                        out.corrections.append(self.record((key, spec, start), final=True))
                    else:
                        self.pending.add((key, spec, start))
        if after is not None and (before is None or after > before):
            self._advance(before, after, out)
            self.store[f"E|{self.q}"] = after
            out.expired = self._expire(after)
        return out

    def window_counts(self, key: str, spec: WindowSpec, start: int, end: int | None = None) -> list[int]:
        """Sum of the key's panes in ``[start, end)`` (end defaults to the window end)."""
        stop = start + spec.size_ms if end is None else end
        total = [0] * N_COUNTS
        for pane in self._by_key.get(key, ()):
            if start <= pane < stop:
                for vec in self.store[f"P|{key}|{pane}"].values():
                    for i in range(N_COUNTS):
                        total[i] += vec[i + 1]
        return total

    def record(self, wid: WindowId, final: bool) -> dict[str, Any]:
        key, spec, start = wid
        return aggregate_record(key, spec, start, self.window_counts(key, spec, start), final)

    def commit(self, next_offset: int | None = None) -> None:
        """Persist the staged state of the steps so far (after their records were acked),
        and, in the worker, the next input offset those steps leave to read."""
        if next_offset is not None:
            self.store[f"I|{self.q}"] = next_offset
        self.store.commit(last=(f"E|{self.q}", f"I|{self.q}"))

    def take_pending(self) -> list[dict[str, Any]]:
        """Non-final windows updated since the last call, as records (for throttled updates)."""
        eff = self.effective
        records = [
            self.record(wid, final=False) for wid in sorted(self.pending, key=_wid_order)
            if eff is None or wid[2] + wid[1].size_ms > eff
        ]
        self.pending.clear()
        return records

    def _merge(self, key: str, pane: int, source: int, through: int, counts: Sequence[int]) -> bool:
        if self._expired_pane(pane):
            return False  # state already dropped; the source stage dead-letters such posts
        ekey = f"P|{key}|{pane}"
        entry = self.store.get(ekey) or {}
        src = str(source)
        current = entry.get(src)
        if current is not None and current[0] >= through:
            return False  # a re-delivered or older cumulative value
        entry = dict(entry)
        entry[src] = [through, *counts]
        self.store[ekey] = entry
        self._by_key[key].add(pane)
        self._by_pane[pane].add(key)
        return True

    def _expired_pane(self, pane: int) -> bool:
        eff = self.effective
        return eff is not None and self.cfg.pane_expired(pane, eff)

    def _report_watermark(self, rep: SourceReport) -> None:
        record_report(self.store, f"W|{self.q}", rep.source, rep.watermark, rep.idle)

    def _effective_watermark(self, sources: int) -> int | None:
        reported = {int(s): v for s, v in (self.store.get(f"W|{self.q}") or {}).items()}
        return effective_watermark(reported, max(sources, len(reported)), self.effective)

    def _advance(self, before: int | None, after: int, out: RollupOutput) -> None:
        """Finalise windows ending in (before, after]; evaluate open ones at step boundaries."""
        first_pane = min(self._by_pane) if self._by_pane else after
        lower = before if before is not None else first_pane - 1
        for spec in self.specs:
            for c in spec.boundaries(lower, after):
                keys = self._keys_in(c - spec.size_ms, c)
                for key in sorted(keys):
                    rec = self.record((key, spec, c - spec.size_ms), final=True)
                    out.final.append(rec)
                    out.evaluations.append({**rec, "as_of": rfc3339(c), "evaluation": "final"})
                    self.pending.discard((key, spec, c - spec.size_ms))
                for start in range(c - spec.size_ms + spec.step_ms, c, spec.step_ms):
                    for key in sorted(self._keys_in(start, c)):
                        counts = self.window_counts(key, spec, start, c)
                        rec = aggregate_record(key, spec, start, counts, final=False)
                        out.evaluations.append({**rec, "as_of": rfc3339(c), "evaluation": "progress"})

    def _keys_in(self, start: int, end: int) -> set[str]:
        keys: set[str] = set()
        for pane in range(start - start % self.cfg.pane_ms, end, self.cfg.pane_ms):
            keys |= self._by_pane.get(pane, set())
        return keys

    def _expire(self, watermark: int) -> int:
        expired = 0
        for pane in [p for p in self._by_pane if self.cfg.pane_expired(p, watermark)]:
            for key in self._by_pane.pop(pane):
                self.store.pop(f"P|{key}|{pane}", None)
                panes = self._by_key.get(key)
                if panes is not None:
                    panes.discard(pane)
                    if not panes:
                        del self._by_key[key]
                expired += 1
        return expired

    def _ensure_index(self) -> None:
        """Rebuild the in-memory indexes from restored state, once per fold.

        Updates of open windows are kept only in memory until the timer publishes them, so
        a fold built after a restart or a rebalance marks every open window pending: a
        window whose last update was lost is published again.
        """
        if self._indexed:
            return
        self._indexed = True
        for ekey in list(self.store.keys()):
            if ekey.startswith("P|"):
                key, pane = ekey[2:].rsplit("|", 1)
                if self._owns(key):
                    self._by_key[key].add(int(pane))
                    self._by_pane[int(pane)].add(key)
        eff = self.effective
        for pane, keys in self._by_pane.items():
            for spec in self.specs:
                for start in spec.starts_containing(pane):
                    if eff is None or start + spec.size_ms > eff:
                        self.pending.update((key, spec, start) for key in keys)


def _wid_order(wid: WindowId) -> tuple[str, int, int, int]:
    return (wid[0], wid[1].size_ms, wid[1].step_ms, wid[2])
