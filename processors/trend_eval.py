"""Scoring trend alerts against a scenario's ground truth: precision, recall, delay.

Alerts are grouped into episodes by (key_type, key, window_size, episode_start) (the
detector stamps every alert of one episode, reminders included, with its start). An
alert episode matches a truth episode of the same key and direction when it starts
within ``[onset, end + window]``. Recall is the share of truth episodes with a match;
precision the share of alert episodes that match one; the delay of a truth episode is
from its onset to its first matching alert. Alert episodes that match nothing are false
episodes, counted separately when their key is a declared decoy. A truth file may list
``related`` keys: aggregates that contain the injected keys (``all|all``, the overall
rate) and so rightly move with them; their alerts inside a truth episode's range are
neither required nor false.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from deinfluence.processors.trend_state import parse_ms


@dataclass(frozen=True, slots=True)
class AlertEpisode:
    key_type: str
    key: str
    window_size: str
    direction: str
    start_ms: int
    alerts: int


@dataclass
class TrendScore:
    """Evaluation of one run against one truth file."""

    truth_episodes: int
    alert_episodes: int
    matched_truth: int
    matched_alerts: int
    delays_s: list[float] = field(default_factory=list)
    false_episodes: list[AlertEpisode] = field(default_factory=list)
    decoy_episodes: list[AlertEpisode] = field(default_factory=list)
    related_episodes: list[AlertEpisode] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched_truth / self.truth_episodes if self.truth_episodes else 1.0

    @property
    def precision(self) -> float:
        """Share of alert episodes that are not false (related ones count as right)."""
        return 1.0 - len(self.false_episodes) / self.alert_episodes if self.alert_episodes else 1.0

    @property
    def median_delay_s(self) -> float | None:
        return statistics.median(self.delays_s) if self.delays_s else None

    def summary(self) -> dict[str, Any]:
        delay = self.median_delay_s
        return {
            "truth_episodes": self.truth_episodes, "alert_episodes": self.alert_episodes,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "median_delay_min": None if delay is None else round(delay / 60, 1),
            "false_episodes": len(self.false_episodes), "decoy_episodes": len(self.decoy_episodes),
            "related_episodes": len(self.related_episodes),
            "false": [f"{e.key_type}:{e.key} {e.direction} at {e.start_ms}" for e in self.false_episodes],
        }


def alert_episodes(trends: Iterable[Mapping[str, Any]]) -> list[AlertEpisode]:
    """Group trend records into episodes, in order of their start."""
    grouped: dict[tuple[str, str, str, str, int], int] = {}
    for t in trends:
        start = t.get("evidence", {}).get("episode_start") or t["detected_at"]
        key = (t["key_type"], t["key"], str(t.get("window_size")), t["direction"], parse_ms(start))
        grouped[key] = grouped.get(key, 0) + 1
    episodes = [AlertEpisode(*k, alerts=n) for k, n in grouped.items()]
    return sorted(episodes, key=lambda e: (e.start_ms, e.key_type, e.key))


def score(trends: Iterable[Mapping[str, Any]], truth: Mapping[str, Any], window_ms: int) -> TrendScore:
    """Match alert episodes to the truth's episodes; see the module docstring."""
    episodes = alert_episodes(trends)
    expected = list(truth.get("episodes", []))
    decoys = {(d["key_type"], d["key"]) for d in truth.get("decoys", [])}
    related = {(d["key_type"], d["key"]) for d in truth.get("related", [])}
    matched: set[int] = set()
    result = TrendScore(len(expected), len(episodes), 0, 0)
    for t in expected:
        onset, end = parse_ms(t["onset"]), parse_ms(t["end"]) + window_ms
        hits = [i for i, e in enumerate(episodes)
                if (e.key_type, e.key, e.direction) == (t["key_type"], t["key"], t["direction"])
                and onset <= e.start_ms <= end]
        if hits:
            result.matched_truth += 1
            result.delays_s.append((episodes[hits[0]].start_ms - onset) / 1000)
            matched.update(hits)
    result.matched_alerts = len(matched)
    for i, e in enumerate(episodes):
        if i not in matched and (e.key_type, e.key) in related and any(
                parse_ms(t["onset"]) <= e.start_ms <= parse_ms(t["end"]) + window_ms for t in expected):
            result.related_episodes.append(e)
        elif i not in matched:
            result.false_episodes.append(e)
            if (e.key_type, e.key) in decoys:
                result.decoy_episodes.append(e)
    return result
