"""Trend detection on windowed aggregates, as a pure fold: ``observe(state, record)``.

Method (justified in docs/trends.md): a SigniTrend-style test of the de-influencing
*share*, not the volume. Per (key_type, key, window_size) the state keeps an
exponentially weighted level and variance of the window rate, with hour-of-day
seasonal offsets (Holt-Winters style), a level of the log volume and of the
de-influencing count. A window's rate is smoothed towards the baseline with a
beta-binomial prior, then standardised by the baseline's extra-binomial variance,
the window's own sampling variance and a noise floor:

    r~ = (d + m mu) / (n + m)
    z  = (r~ - mu) / sqrt(tau^2 + mu (1 - mu) / (n + m) + floor^2)

Only ``final`` records update the baseline (in window order); ``progress`` records (the
window so far, at pane boundaries) are evaluated against it, so a surge is reported
while it happens. A promotional spike raises volume but not the share, so it cannot
score "up"; and a "down" alert also needs the de-influencing *count* to fall, so a
dilution by promotional posts is no drop either. New hashtags have their own rule
(``emerging``). Everything depends only on the record sequence (``detected_at`` is the
record's ``as_of``), so backfill reproduces the stream exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deinfluence.processors.trend_state import (
    HOUR_MS,
    DetectorState,
    TrendParams,
    bucket,
    clip_rate,
    format_ms,
    parse_ms,
    update_baseline,
)
from deinfluence.schemas.trend import SCHEMA

__all__ = ["DetectorState", "TrendDetector", "TrendParams", "default_detector", "explain", "observe"]

StateKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class _Window:
    """The numbers of one evaluation: the record's counts against the baseline."""

    start_ms: int
    end_ms: int
    as_of_ms: int
    final: bool
    posts: int
    deinfluencing: int
    fraction: float
    baseline_rate: float
    expected_posts: float
    expected_deinfluencing: float
    smoothed_rate: float
    sigma: float
    score: float


def observe(state: DetectorState | None, record: Mapping[str, Any],
            params: TrendParams | None = None) -> tuple[DetectorState, list[dict[str, Any]]]:
    """Fold one aggregate record (plus ``as_of`` and ``evaluation``) into the key's state.

    Args:
        state: the state of this (key_type, key, window_size), or None for a new key.
        record: an aggregate record with ``as_of`` (RFC 3339) and ``evaluation``
            (``"progress"`` or ``"final"``).
        params: tuning; the defaults when None.

    Returns:
        The new state and the trend records to publish (zero or one).
    """
    params = params or TrendParams()
    as_of_ms = parse_ms(record["as_of"])
    if state is None:
        state = DetectorState.new(params, as_of_ms)
    final = record.get("evaluation") == "final"
    start_ms, end_ms = parse_ms(record["window_start"]), parse_ms(record["window_end"])
    if final and state.last_final_start_ms is not None and start_ms <= state.last_final_start_ms:
        return state, []  # a late re-publication of a window already in the baseline
    window = _evaluate(state, params, record, start_ms, end_ms, as_of_ms, final)
    alerts = _decide(state, params, record, window)
    if final:
        update_baseline(state, params, start_ms, end_ms, window.posts, window.deinfluencing)
    return state, alerts


def _evaluate(state: DetectorState, params: TrendParams, record: Mapping[str, Any],
              start_ms: int, end_ms: int, as_of_ms: int, final: bool) -> _Window:
    posts, deinf = int(record.get("posts") or 0), int(record.get("deinfluencing") or 0)
    size = max(end_ms - start_ms, 1)
    fraction = 1.0 if final else min(max((as_of_ms - start_ms) / size, 1e-3), 1.0)
    h = bucket(params, (start_ms + end_ms) // 2)
    s_rate = state.season_rate[h] if h is not None else 0.0
    s_vol = state.season_volume[h] if h is not None else 0.0
    mu = clip_rate(state.rate + s_rate) if state.finals else clip_rate(deinf / posts if posts else 0.0)
    expected_posts = max(math.expm1(state.log_posts + s_vol), 0.0) * fraction
    # the de-influencing count has its own level: a promotional spike that raised the
    # volume baseline must not raise the de-influencing count we expect
    expected_deinf = state.deinfluencing * math.exp(s_vol) * fraction
    m = params.prior_strength
    smoothed = (deinf + m * mu) / (posts + m)
    tau2 = max(state.rate_var - state.sampling_var, 0.0)
    sigma = math.sqrt(tau2 + mu * (1 - mu) / (posts + m) + params.noise_floor ** 2)
    return _Window(start_ms, end_ms, as_of_ms, final, posts, deinf, fraction, mu,
                   expected_posts, expected_deinf, smoothed, sigma, (smoothed - mu) / sigma)


def explain(state: DetectorState | None, record: Mapping[str, Any],
            params: TrendParams | None = None) -> dict[str, float]:
    """The baseline a record is judged against, without changing ``state`` (for plots).

    Returns ``baseline_rate``, ``sigma`` (rate units), ``score`` and ``expected_posts``.
    """
    params = params or TrendParams()
    as_of_ms = parse_ms(record["as_of"])
    state = state or DetectorState.new(params, as_of_ms)
    w = _evaluate(state, params, record, parse_ms(record["window_start"]),
                  parse_ms(record["window_end"]), as_of_ms, record.get("evaluation") == "final")
    return {"baseline_rate": w.baseline_rate, "sigma": w.sigma, "score": w.score,
            "expected_posts": w.expected_posts}


def _signal(state: DetectorState, params: TrendParams, key_type: str,
            w: _Window) -> tuple[str, bool, float] | None:
    """(direction, emerging, score) if this window is anomalous, else None."""
    emerging = _emerging_score(state, params, key_type, w)
    if emerging is not None:
        return "up", True, emerging
    if state.finals < params.warmup_windows or w.posts < params.min_posts:
        return None
    up = w.score
    mature = w.as_of_ms - state.first_seen_ms >= params.cusum_warmup_h * HOUR_MS
    if w.final and mature:  # the CUSUM accumulates final windows only: each is one look
        # hopping windows overlap: weigh each by the share of it that is new data
        new = min((state.step_ms or (w.end_ms - w.start_ms)) / max(w.end_ms - w.start_ms, 1), 1.0)
        state.cusum_up = max(0.0, state.cusum_up + new * (w.score - params.cusum_k))
        if state.cusum_up >= params.cusum_h:
            up = max(up, params.threshold)
    if (up >= params.threshold and w.deinfluencing >= params.min_deinfluencing
            and w.deinfluencing >= w.expected_deinfluencing):
        return "up", False, w.score
    if w.score <= -params.threshold and w.expected_deinfluencing >= params.min_deinfluencing:
        drop = (w.deinfluencing - w.expected_deinfluencing) / math.sqrt(w.expected_deinfluencing + 1)
        if drop <= -params.down_volume_z:
            return "down", False, w.score
    return None


def _emerging_score(state: DetectorState, params: TrendParams, key_type: str,
                    w: _Window) -> float | None:
    """Poisson excess of de-influencing posts for a hashtag that had almost none."""
    if key_type != "hashtag" or state.deinfluencing >= params.emerging_max_baseline:
        return None
    if w.as_of_ms - state.first_seen_ms < params.emerging_min_age_h * HOUR_MS:
        return None
    if (w.deinfluencing < params.emerging_min_deinfluencing
            or w.deinfluencing < params.emerging_min_rate * w.posts):
        return None
    expected = state.deinfluencing * w.fraction
    return (w.deinfluencing - expected) / math.sqrt(expected + 1)


def _decide(state: DetectorState, params: TrendParams, record: Mapping[str, Any],
            w: _Window) -> list[dict[str, Any]]:
    """Apply the episode rules (open, remind after cooldown, close on fall-back)."""
    signal = _signal(state, params, str(record.get("key_type")), w)
    if state.episode_direction is not None:
        closing = signal is None or signal[0] != state.episode_direction
        if closing and w.final and _fell_back(state, params, w):
            state.closed_direction, state.closed_ms = state.episode_direction, w.as_of_ms
            state.episode_direction = None
            state.cusum_up = 0.0
        elif not closing and w.as_of_ms - (state.last_alert_ms or 0) >= params.cooldown_h * HOUR_MS:
            state.last_alert_ms = w.as_of_ms
            return [_trend_record(record, state, w, signal, reminder=True)]  # type: ignore[arg-type]
        else:
            return []
    if signal is None or _rebound(state, params, signal[0], w.as_of_ms):
        return []
    state.episode_direction, state.episode_emerging = signal[0], signal[1]
    state.cusum_up = 0.0
    state.episode_start_ms = state.last_alert_ms = w.as_of_ms
    return [_trend_record(record, state, w, signal, reminder=False)]


def _rebound(state: DetectorState, params: TrendParams, direction: str, as_of_ms: int) -> bool:
    """The return to normal after an episode (the baseline learnt a little of it) is no news."""
    return (state.closed_direction is not None and state.closed_direction != direction
            and as_of_ms - (state.closed_ms or 0) < params.cooldown_h * HOUR_MS)


def _fell_back(state: DetectorState, params: TrendParams, w: _Window) -> bool:
    if state.episode_emerging and state.finals < params.warmup_windows:
        return w.deinfluencing < params.emerging_min_deinfluencing / 2
    if state.episode_direction == "up":
        return w.score < params.reset
    return w.score > -params.reset


def _trend_record(record: Mapping[str, Any], state: DetectorState, w: _Window,
                  signal: tuple[str, bool, float], reminder: bool) -> dict[str, Any]:
    direction, emerging, score = signal
    return {
        "schema": SCHEMA,
        "key_type": record["key_type"],
        "key": record["key"],
        **({"window": record["window"]} if "window" in record else {}),
        "window_size": record.get("window_size"),
        "window_start": record["window_start"],
        "window_end": record["window_end"],
        "deinfluencing_rate": round(w.deinfluencing / w.posts, 6) if w.posts else 0.0,
        "baseline_rate": round(w.baseline_rate, 6),
        "score": round(score, 4),
        "posts": w.posts,
        "direction": direction,
        "detected_at": format_ms(w.as_of_ms),
        "emerging": emerging,
        "evaluation": "final" if w.final else "progress",
        "evidence": {
            "posts": w.posts,
            "deinfluencing": w.deinfluencing,
            "baseline_posts": round(w.expected_posts, 3),
            "baseline_rate": round(w.baseline_rate, 6),
            "baseline_deinfluencing": round(w.expected_deinfluencing, 3),
            "smoothed_rate": round(w.smoothed_rate, 6),
            "sigma": round(w.sigma, 6),
            "rate_score": round(w.score, 4),
            "window_fraction": round(w.fraction, 4),
            "baseline_windows": state.finals,
            "episode_start": format_ms(state.episode_start_ms or w.as_of_ms),
            "reminder": reminder,
        },
    }


class TrendDetector:
    """Holds one :class:`DetectorState` per (key_type, key, window_size) and folds records.

    Example:
        >>> detector = TrendDetector()
        >>> detector.process({"key_type": "brand", "key": "stanley", "window_size": "1h",
        ...     "window_start": "2026-11-01T00:00:00Z", "window_end": "2026-11-01T01:00:00Z",
        ...     "posts": 40, "deinfluencing": 4, "as_of": "2026-11-01T01:00:00Z",
        ...     "evaluation": "final"})
        []
    """

    def __init__(self, params: TrendParams | None = None) -> None:
        self.params = params or TrendParams()
        self.states: dict[StateKey, DetectorState] = {}

    def process(self, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Fold one record into its key's state; return the trend records it triggers."""
        window = record.get("window", record.get("window_size"))
        key = (str(record["key_type"]), str(record["key"]), str(window))
        state, alerts = observe(self.states.get(key), record, self.params)
        self.states[key] = state
        return alerts

    def observe_dict(self, state: dict[str, Any] | None,
                     record: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The fold on plain dicts, for a state store (Faust table, backfill dict)."""
        restored = DetectorState.from_dict(state) if state is not None else None
        new, alerts = observe(restored, record, self.params)
        return new.to_dict(), alerts


def default_detector(params: TrendParams | None = None) -> TrendDetector:
    """The detector the worker and ``backfill`` run (see ``deinfluence.components``)."""
    return TrendDetector(params)
