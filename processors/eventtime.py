"""Event-time parameters, source positions and watermark arithmetic shared by all stages."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

SLOTS = 65_536  # source position = message offset * SLOTS + index inside a message


def position(offset: int, index: int | None) -> int:
    """Source position of a post: its message offset and its index inside the message."""
    return offset * SLOTS + (index or 0)


def last_position(offset: int) -> int:
    """The last position a message at ``offset`` can hold."""
    return offset * SLOTS + SLOTS - 1


def next_offset(through: int) -> int:
    """The first message offset after position ``through`` (``0`` for ``-1``: none yet)."""
    return (through + 1) // SLOTS


def split_position(pos: int) -> tuple[int, int]:
    """``(offset, index)`` of a source position."""
    return divmod(pos, SLOTS)


@dataclass(frozen=True, slots=True)
class EventTimeConfig:
    """Event-time parameters shared by every stage."""

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
    """One valid, classified post with its position in the stage's input partition."""

    offset: int
    post: dict[str, Any]
    event_ms: int


def record_report(
    store: MutableMapping[str, Any], key: str, source: int, watermark: int | None, idle: bool
) -> None:
    """Store what an upstream partition reported under ``store[key][source]``.

    A source's watermark never goes back (a re-delivered older report cannot lower it);
    the entry is written only when it changes.
    """
    reported = store.get(key) or {}
    src = str(source)
    old = reported.get(src)
    if old is not None and old[0] is not None and (watermark is None or old[0] > watermark):
        watermark = old[0]
    new = [watermark, bool(idle)]
    if new != old:
        store[key] = {**reported, src: new}


def effective_watermark(
    reported: Mapping[int, list[Any]], sources: int, previous: int | None
) -> int | None:
    """Watermark of a stage fed by ``sources`` upstream partitions.

    ``reported`` maps source -> ``[watermark_or_None, idle]``. The minimum over active
    sources; the maximum over all once every source is idle (nothing more is coming);
    ``previous`` while some source never reported. Never goes back.
    """
    if sources == 0 or len(reported) < sources:
        return previous
    active = [wm for wm, idle in reported.values() if not idle]
    if active:
        current = None if any(wm is None for wm in active) else min(active)
    else:
        idle = [wm for wm, _ in reported.values() if wm is not None]
        current = max(idle) if idle else None
    if current is None or (previous is not None and current <= previous):
        return previous
    return current
