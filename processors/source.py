"""Source stage, per raw partition: the partition's watermark and the lateness decision.

Runs where the raw order is known, so every decision depends only on that order, never
on how the stream was cut into batches. State: ``{p}|W -> [max_event_ms, last_position]``,
stored by the caller after the batch's outputs are acknowledged, so a restarted worker
skips exactly what was already routed.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deinfluence.processors.eventtime import EventTimeConfig, Item
from deinfluence.processors.windows import pane_of

ROUTED_FIELDS = ("post_id", "stance", "targets", "hashtags", "sponsored", "reasons")


@dataclass(slots=True)
class SourceResult:
    routed: list[Item] = field(default_factory=list)
    late: list[Item] = field(default_factory=list)
    through: int = -1
    watermark: int | None = None
    progress: list[Any] | None = None


class SourceFold:
    """Watermark and lateness of one raw partition."""

    def __init__(self, partition: int, store: MutableMapping[str, Any], cfg: EventTimeConfig) -> None:
        self.p = partition
        self.store = store
        self.cfg = cfg
        self.key = f"{partition}|W"

    def progress_through(self) -> int:
        """Last raw position fully routed (``-1`` before any)."""
        prog = self.store.get(self.key)
        return -1 if prog is None else int(prog[1])

    def watermark(self) -> int | None:
        prog = self.store.get(self.key)
        return None if prog is None or prog[0] is None else int(prog[0]) - self.cfg.grace_ms

    def process(self, items: Sequence[Item], through: int) -> SourceResult:
        """Split ``items`` (ascending positions) into routed and late posts."""
        prog = self.store.get(self.key) or [None, -1]
        max_ev, last = prog[0], prog[1]
        res = SourceResult(through=max(through, last))
        for item in items:
            if item.offset <= last:
                continue  # routed before a restart
            if max_ev is not None and self.cfg.pane_expired(
                pane_of(item.event_ms, self.cfg.pane_ms), max_ev - self.cfg.grace_ms
            ):
                res.late.append(item)
                continue
            if max_ev is None or item.event_ms > max_ev:
                max_ev = item.event_ms
            res.routed.append(item)
        res.watermark = None if max_ev is None else max_ev - self.cfg.grace_ms
        res.progress = [max_ev, res.through]
        return res

    def commit(self, result: SourceResult) -> None:
        if result.progress is not None:
            self.store[self.key] = result.progress


def routed_post(post: dict[str, Any]) -> dict[str, Any]:
    """The part of a classified post the counting stages need (what crosses the repartition)."""
    out = {k: post.get(k) for k in ROUTED_FIELDS}
    metrics = post.get("metrics")
    views = metrics.get("views") if isinstance(metrics, dict) else None
    out["views"] = int(views) if isinstance(views, int | float) and views >= 0 else 0
    return out
