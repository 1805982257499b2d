"""The terminal view of ``deinfluence demo``: most de-influenced brands and hashtags, alerts.

:class:`LiveState` folds aggregate and trend records (pure); :func:`render` formats it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LiveState:
    """Latest aggregate per key and window, and the newest trend alerts."""

    window: str = "1h/15m"
    min_posts: int = 5
    aggregates: dict[str, dict[str, Any]] = field(default_factory=dict)
    trends: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=8))
    seen: int = 0

    def add_aggregate(self, record: dict[str, Any]) -> None:
        self.seen += 1
        if record.get("window") != self.window:
            return
        key = f"{record['key_type']}|{record['key']}|{record['window_start']}"
        self.aggregates[key] = record

    def add_trend(self, record: dict[str, Any]) -> None:
        self.trends.appendleft(record)

    def latest_final_start(self) -> str | None:
        starts = [r["window_start"] for r in self.aggregates.values() if r.get("final")]
        return max(starts) if starts else None

    def top(self, key_type: str, n: int = 8) -> list[dict[str, Any]]:
        start = self.latest_final_start()
        rows = [r for r in self.aggregates.values()
                if r["key_type"] == key_type and r["window_start"] == start and r["posts"] >= self.min_posts]
        rows.sort(key=lambda r: (-r["deinfluencing"], -r["smoothed_rate"], r["key"]))
        return rows[:n]


def render(state: LiveState, header: str = "") -> str:
    """The screen as text (no terminal codes), newest final window first."""
    start = state.latest_final_start()
    lines = [header, f"window {state.window} starting {start or '(none final yet)'}; "
             f"{state.seen} aggregate records read", ""]
    for key_type, title in (("brand", "Most de-influenced brands"), ("hashtag", "Hashtags")):
        lines.append(f"{title:<34} {'posts':>6} {'de-infl':>8} {'rate':>6} {'smoothed':>9}")
        for r in state.top(key_type):
            bar = "#" * round(20 * r["smoothed_rate"])
            lines.append(f"  {r['key'][:32]:<32} {r['posts']:>6} {r['deinfluencing']:>8} "
                         f"{r['deinfluencing_rate']:>6.2f} {r['smoothed_rate']:>9.2f} {bar}")
        lines.append("")
    lines.append("Latest trend alerts")
    if not state.trends:
        lines.append("  (none yet)")
    for t in state.trends:
        lines.append(f"  {t.get('detected_at', '')} {t['key_type']}:{t['key']} {t.get('direction', '')} "
                     f"rate {t['deinfluencing_rate']:.2f} vs baseline {t['baseline_rate']:.2f} "
                     f"score {t['score']:.1f}")
    return "\n".join(lines)
