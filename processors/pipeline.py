"""The whole pipeline in one process: what ``backfill`` runs and the stream reproduces.

Backfill treats its input file as one source partition whose offsets are line numbers,
runs the same source, combine, roll-up and trend folds as the worker (each with a single
partition), and at the end of input declares the source idle, exactly as the worker does
when a partition falls silent.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from deinfluence.processors.batch import late_deadletter, prepare_batch
from deinfluence.processors.classify import Classifier
from deinfluence.processors.combine import CombineFold, RoutedBatch
from deinfluence.processors.eventtime import EventTimeConfig
from deinfluence.processors.rollup import PartitionRollup, RollupOutput, SourceReport
from deinfluence.processors.source import SourceFold, routed_post
from deinfluence.processors.windows import WindowSpec, pane_size, parse_duration, parse_windows
from deinfluence.schemas.aggregate import kafka_key
from deinfluence.schemas.post import Limits


class TrendDetectorLike(Protocol):
    """The trend fold: ``observe(state_dict_or_None, evaluation) -> (state_dict, trends)``."""

    def observe_dict(
        self, state: dict[str, Any] | None, record: dict[str, Any]
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]: ...


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Everything the folds need, parsed once at the edge."""

    windows: tuple[WindowSpec, ...]
    grace_ms: int = 600_000
    retention_ms: int = 30 * 86_400_000
    dedup_horizon_ms: int = 7 * 86_400_000
    limits: Limits = field(default_factory=Limits)
    native_decode: bool = True  # prepare_batch's native fast path (when the module is built)

    @classmethod
    def parse(
        cls, windows: str | list[str] = "5m,1h/15m", grace: str = "10m", retention: str = "30d",
        dedup_horizon: str = "7d", limits: Limits | None = None, native_decode: bool = True,
    ) -> PipelineConfig:
        return cls(
            tuple(parse_windows(windows)), parse_duration(grace), parse_duration(retention),
            parse_duration(dedup_horizon), limits or Limits(), native_decode,
        )

    @property
    def eventtime(self) -> EventTimeConfig:
        return EventTimeConfig(
            pane_ms=pane_size(self.windows),
            max_window_ms=max(s.size_ms for s in self.windows),
            grace_ms=self.grace_ms, retention_ms=self.retention_ms,
            dedup_horizon_ms=self.dedup_horizon_ms,
        )


def detect(
    store: MutableMapping[str, Any], detector: TrendDetectorLike | None,
    evaluations: Iterable[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Run the trend fold over window evaluations; state per ``T|key_type|key|window``."""
    if detector is None:
        return []
    trends: list[dict[str, Any]] = []
    for ev in evaluations:
        skey = f"T|{ev['key_type']}|{ev['key']}|{ev['window']}"
        state, found = detector.observe_dict(store.get(skey), ev)
        store[skey] = state
        trends.extend(found)
    return trends


@dataclass(slots=True)
class BackfillResult:
    aggregates: list[dict[str, Any]]
    trends: list[dict[str, Any]]
    deadletters: list[dict[str, Any]]
    stats: dict[str, int]


class Backfill:
    """Feed raw message values in order; ``finish()`` returns what the stream would publish."""

    def __init__(
        self, cfg: PipelineConfig, classifier: Classifier,
        detector: TrendDetectorLike | None = None, source: str = "file",
    ) -> None:
        self.cfg = cfg
        self.classifier = classifier
        self.detector = detector
        self.source = source
        self.stores: dict[str, dict[str, Any]] = {"source": {}, "combine": {}, "rollup": {}}
        et = cfg.eventtime
        self.source_fold = SourceFold(0, self.stores["source"], et)
        self.combine = CombineFold(0, self.stores["combine"], et)
        self.rollup = PartitionRollup(0, self.stores["rollup"], et, cfg.windows)
        self.latest: dict[str, dict[str, Any]] = {}
        self.trends: list[dict[str, Any]] = []
        self.deadletters: list[dict[str, Any]] = []
        self.stats = {"messages": 0, "posts": 0, "counted": 0, "late": 0, "duplicates": 0}
        self._offset = 0
        self._routed = 0

    def feed(self, values: Iterable[bytes], batch: int = 5000) -> None:
        """Process raw message values (one per line of the input file)."""
        chunk: list[tuple[int, bytes]] = []
        for value in values:
            chunk.append((self._offset, value))
            self._offset += 1
            if len(chunk) >= batch:
                self._batch(chunk)
                chunk = []
        if chunk:
            self._batch(chunk)

    def finish(self) -> BackfillResult:
        """End of input: the source goes idle, so every window its watermark passed is final."""
        self._route(RoutedBatch(self._routed, 0, self.source_fold.watermark(), True, 1))
        for rec in self.rollup.take_pending():
            self.latest[kafka_key(rec)] = rec
        aggregates = sorted(self.latest.values(), key=_agg_order)
        return BackfillResult(aggregates, self.trends, self.deadletters, dict(self.stats))

    def _batch(self, chunk: list[tuple[int, bytes]]) -> None:
        now_ms = int(time.time() * 1000)
        prepared = prepare_batch(chunk, self.cfg.limits, self.classifier, self.source, 0, now_ms,
                                 fast=self.cfg.native_decode)
        self.stats["messages"] += prepared.messages
        self.stats["posts"] += len(prepared.items)
        self.deadletters.extend(prepared.deadletters)
        src = self.source_fold.process(prepared.items, prepared.through)
        self.stats["late"] += len(src.late)
        self.deadletters.extend(late_deadletter(it, self.source, 0, now_ms) for it in src.late)
        self.source_fold.commit(src)
        posts = [(it.event_ms, routed_post(it.post)) for it in src.routed]
        self._route(RoutedBatch(self._routed, 0, src.watermark, False, 1, posts))

    def _route(self, routed: RoutedBatch) -> None:
        self._routed += 1
        res = self.combine.process([routed])
        self.stats["counted"] += res.counted
        self.stats["duplicates"] += res.duplicates
        self.combine.commit(res)
        self._rollup(SourceReport(0, res.through, res.watermark, False, 1, res.partials))

    def _rollup(self, report: SourceReport) -> None:
        out: RollupOutput = self.rollup.step([report])
        for rec in out.final + out.corrections:
            self.latest[kafka_key(rec)] = rec
        self.trends.extend(detect(self.rollup.store, self.detector, out.evaluations))
        self.rollup.commit()


def _agg_order(rec: dict[str, Any]) -> tuple[str, str, str, str]:
    return (rec["key_type"], rec["key"], rec["window"], rec["window_start"])


__all__ = ["Backfill", "BackfillResult", "PipelineConfig", "detect"]
