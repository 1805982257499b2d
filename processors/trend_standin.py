"""TEMPORARY stand-in for ``processors.pipeline.run_backfill`` (delete once it lands).

Builds the trend detector's input the way docs/ARCHITECTURE.md describes it: per key,
panes (gcd of window steps) of counts; at every pane boundary ``c`` (in event-time
order) every window ending at ``c`` is evaluated ``final`` and every open window that
has posts is evaluated ``progress`` with the counts before ``c`` (``as_of = c``).
Assumes all posts arrive within grace (no late posts), which the generator guarantees.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from deinfluence.processors.trend_state import format_ms, parse_ms
from deinfluence.processors.trends import TrendDetector, TrendParams

_UNITS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


@dataclass(frozen=True, slots=True)
class WindowSpec:
    size_ms: int
    step_ms: int
    size: str
    step: str


def parse_windows(spec: str) -> list[WindowSpec]:
    """``"1h/15m,5m"`` -> window specs (SIZE for tumbling, SIZE/STEP for hopping)."""
    out = []
    for part in spec.split(","):
        size, _, step = part.strip().partition("/")
        out.append(WindowSpec(_ms(size), _ms(step or size), size, step or size))
    return out


def _ms(text: str) -> int:
    m = re.fullmatch(r"(\d+)([smhd])", text.strip())
    if not m:
        raise ValueError(f"bad duration {text!r}")
    return int(m.group(1)) * _UNITS[m.group(2)]


@dataclass
class StandinResult:
    aggregates: list[dict[str, Any]] = field(default_factory=list)
    trends: list[dict[str, Any]] = field(default_factory=list)


def key_stances(post: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(key_type, key, stance) for every key a classified post counts towards."""
    for brand, stance in (post.get("targets") or {}).items():
        yield "brand", brand, stance
    for tag in post.get("hashtags") or ():
        yield "hashtag", tag, post["stance"]


def run_standin(posts: Iterable[Mapping[str, Any]], windows: list[WindowSpec],
                params: TrendParams | None = None) -> StandinResult:
    """Windowed counts + trend detection over classified posts."""
    pane = math.gcd(*[w.step_ms for w in windows], *[w.size_ms for w in windows])
    panes: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    lo, hi = None, None
    for post in posts:
        ts = parse_ms(post["created_at"])
        p = ts // pane
        lo, hi = (p if lo is None else min(lo, p)), (p if hi is None else max(hi, p))
        for key_type, key, stance in key_stances(post):
            c = panes[(key_type, key)][p]
            c[0] += 1
            c[1 + ("deinfluencing", "promoting", "neutral").index(stance)] += 1
    result = StandinResult()
    if lo is None or hi is None:
        return result
    detector = TrendDetector(params)
    for boundary in range(lo + 1, hi + 2):
        for (key_type, key), counts in panes.items():
            for w in windows:
                for rec in _records(key_type, key, counts, w, boundary, pane):
                    if rec["evaluation"] == "final":
                        result.aggregates.append(rec)
                    result.trends.extend(detector.process(rec))
    return result


def _records(key_type: str, key: str, counts: Mapping[int, list[int]], w: WindowSpec,
             boundary: int, pane: int) -> Iterator[dict[str, Any]]:
    k, s = w.size_ms // pane, w.step_ms // pane
    first = boundary - k
    first += (-first * pane) % w.step_ms // pane  # first window start (aligned) still touching c
    for start in range(first, boundary, s):
        total = [0, 0, 0, 0]
        for p in range(start, min(start + k, boundary)):
            c = counts.get(p)
            if c:
                total = [a + b for a, b in zip(total, c, strict=True)]
        if total[0] == 0:
            continue
        final = start + k == boundary
        yield {
            "schema": "deinfluence.aggregate.v1", "key_type": key_type, "key": key,
            "window_size": w.size, "window_step": w.step,
            "window_start": format_ms(start * pane), "window_end": format_ms((start + k) * pane),
            "posts": total[0], "deinfluencing": total[1], "promoting": total[2], "neutral": total[3],
            "deinfluencing_rate": total[1] / total[0],
            "smoothed_rate": (total[1] + 1) / (total[0] + 2),
            "final": final, "as_of": format_ms(boundary * pane),
            "evaluation": "final" if final else "progress",
        }
