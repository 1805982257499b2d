"""Parameters and per-key state of the trend detector (see :mod:`.trends`).

The state is a handful of numbers per (key_type, key, window_size): an exponentially
weighted level and variance of the de-influencing rate, a level of the (log) volume, a
level of the de-influencing count, hour-of-day seasonal offsets for rate and volume,
and the open alert episode. Everything is a float, int, str or list of floats, so
``to_dict()`` is plain JSON and survives a Faust changelog or a file round trip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

HOUR_MS = 3_600_000


@dataclass(frozen=True, slots=True)
class TrendParams:
    """Tuning of the trend detector; the defaults are the ones measured in docs/trends.md.

    Attributes:
        half_life_h: half-life (hours of event time) of the baseline level of the rate
            and of the volume; short enough to follow a day, long enough to outlast a surge.
        var_half_life_h: half-life of the baseline variance of the rate residuals.
        season_buckets: hour-of-day buckets for the seasonal offsets (24); 0 disables them.
        season_gamma: learning rate of a seasonal offset per final window in its bucket.
        prior_strength: beta-binomial prior, in pseudo-posts at the baseline rate, that
            shrinks the current rate of a small window towards the baseline.
        noise_floor: minimum standard deviation of the rate (SigniTrend's beta), so a
            key whose rate never moved does not alert on a two-point wobble.
        threshold: score (standardised rate excess) that opens an alert episode.
        cusum_k: allowance of the one-sided CUSUM of final-window scores (catches slow
            drifts that never make a single window cross ``threshold``).
        cusum_h: CUSUM level that opens an alert episode.
        cusum_warmup_h: hours of history before the CUSUM runs: a persistent deviation
            means something only once a day's seasonal cycle has been seen.
        reset: a final window whose |score| falls below this closes the episode.
        min_posts: minimum posts in the evaluated window for any non-emerging alert.
        min_deinfluencing: minimum de-influencing posts in the window for an "up" alert.
        warmup_windows: final windows a key needs before its baseline is trusted.
        cooldown_h: within an open episode, no new alert before this many hours.
        clip: residuals beyond this many standard deviations are clipped before they
            update the baseline (a robust, Huber-style EWMA).
        var_clip: the same for the variance, as a multiple of the level's clip bound.
        anomaly_weight: learning-rate factor applied while an episode is open, so a surge
            does not teach the baseline to expect it (and end in a "down" false alarm).
        down_volume_z: a "down" alert also needs the de-influencing count this many
            Poisson standard deviations below its expectation (a dilution is no drop).
        emerging_min_deinfluencing: de-influencing posts that make a new hashtag emerge.
        emerging_min_rate: minimum de-influencing share of an emerging hashtag's window.
        emerging_max_baseline: a hashtag is "new" while its baseline de-influencing count
            per window is below this.
        emerging_min_age_h: hours since a hashtag was first seen before it may emerge
            (a hashtag that is big from the first window is not new, the stream is).
    """

    half_life_h: float = 6.0
    var_half_life_h: float = 12.0
    season_buckets: int = 24
    season_gamma: float = 0.1
    prior_strength: float = 30.0
    noise_floor: float = 0.02
    threshold: float = 4.0
    cusum_k: float = 1.0
    cusum_h: float = 2.0
    cusum_warmup_h: float = 24.0
    reset: float = 1.0
    min_posts: int = 30
    min_deinfluencing: int = 5
    warmup_windows: int = 24
    cooldown_h: float = 6.0
    anomaly_weight: float = 0.2
    clip: float = 2.0
    var_clip: float = 1.0
    down_volume_z: float = 3.0
    emerging_min_deinfluencing: int = 6
    emerging_min_rate: float = 0.3
    emerging_max_baseline: float = 1.0
    emerging_min_age_h: float = 0.5


@dataclass(slots=True)
class DetectorState:
    """Baseline and episode of one (key_type, key, window_size); O(1) in the stream length."""

    finals: int = 0
    first_seen_ms: int = 0
    last_final_start_ms: int | None = None
    step_ms: int | None = None
    rate: float = 0.0
    rate_var: float = 0.0
    sampling_var: float = 0.0
    log_posts: float = 0.0
    deinfluencing: float = 0.0
    season_rate: list[float] = field(default_factory=list)
    season_volume: list[float] = field(default_factory=list)
    cusum_up: float = 0.0
    episode_direction: str | None = None
    episode_emerging: bool = False
    episode_start_ms: int | None = None
    last_alert_ms: int | None = None
    closed_direction: str | None = None
    closed_ms: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict (lists copied: the state stays private)."""
        return {name: (list(v) if isinstance(v := getattr(self, name), list) else v) for name in _FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectorState:
        """Inverse of :meth:`to_dict`; unknown keys are ignored (forward compatible)."""
        known: dict[str, Any] = {k: (list(v) if isinstance(v, list) else v)
                                 for k, v in data.items() if k in _FIELDS}
        return cls(**known)

    @classmethod
    def new(cls, params: TrendParams, first_seen_ms: int) -> DetectorState:
        buckets = params.season_buckets
        return cls(first_seen_ms=first_seen_ms, season_rate=[0.0] * buckets,
                   season_volume=[0.0] * buckets)


_FIELDS = tuple(f.name for f in fields(DetectorState))


def bucket(params: TrendParams, mid_ms: int) -> int | None:
    """Hour-of-day bucket (UTC) of a window's midpoint, or None without seasonality."""
    if params.season_buckets <= 0:
        return None
    day_fraction = (mid_ms % (24 * HOUR_MS)) / (24 * HOUR_MS)
    return int(day_fraction * params.season_buckets) % params.season_buckets


def clip_rate(value: float) -> float:
    return min(max(value, 1e-3), 1 - 1e-3)


def update_baseline(state: DetectorState, params: TrendParams, start_ms: int, end_ms: int,
                    posts: int, deinfluencing: int) -> None:
    """Fold one final window into the baseline (Holt-Winters-style level + season).

    Windows missing between this and the previous final (a key with no posts emits no
    record) decay the volume levels towards zero, so a quiet key looks quiet.
    """
    size = max(end_ms - start_ms, 1)
    if state.last_final_start_ms is not None:
        gap = start_ms - state.last_final_start_ms
        if gap <= 0:
            return  # a re-published (late-updated) final window: already in the baseline
        state.step_ms = gap if state.step_ms is None else min(state.step_ms, gap)
    step = min(state.step_ms or size, size)
    alpha = 1 - 0.5 ** (step / (params.half_life_h * HOUR_MS))
    missed = 0 if state.last_final_start_ms is None else max(
        (start_ms - state.last_final_start_ms) // step - 1, 0)
    if missed:
        keep = (1 - alpha) ** missed
        state.deinfluencing *= keep
        state.log_posts *= keep
    state.last_final_start_ms = start_ms
    if posts <= 0:
        return
    weight = params.anomaly_weight if state.episode_direction else 1.0
    first = state.finals == 0
    a = 1.0 if first else max(alpha, 1 / (state.finals + 1)) * weight
    a_var = max(1 - 0.5 ** (step / (params.var_half_life_h * HOUR_MS)), 1 / (state.finals + 1))
    h = bucket(params, (start_ms + end_ms) // 2)
    s_rate = state.season_rate[h] if h is not None else 0.0
    s_vol = state.season_volume[h] if h is not None else 0.0
    rate = deinfluencing / posts
    expected = clip_rate(state.rate + s_rate)
    residual = rate - (state.rate + s_rate)
    if state.finals >= params.warmup_windows:
        # Huber-style: a surge or a drift moves the baseline at most `clip` sigmas per
        # window, so the baseline cannot learn an anomaly before it is reported
        bound = params.clip * math.sqrt(max(state.rate_var - state.sampling_var, 0.0)
                                        + expected * (1 - expected) / posts + params.noise_floor ** 2)
        wide = min(max(residual, -params.var_clip * bound), params.var_clip * bound)
        residual = min(max(residual, -bound), bound)
    else:
        wide = residual
    if not first:
        state.rate_var += a_var * weight * (wide * wide - state.rate_var)
        state.sampling_var += a_var * weight * (expected * (1 - expected) / posts - state.sampling_var)
    state.rate += a * residual
    log_posts = math.log1p(posts)
    vol_residual = log_posts - (state.log_posts + s_vol)
    state.log_posts += a * vol_residual
    state.deinfluencing += a * (deinfluencing - state.deinfluencing)
    if h is not None and not first:
        g = params.season_gamma * weight
        state.season_rate[h] += g * (1 - a) * residual  # = rate - new level - season, clipped
        state.season_volume[h] += g * (log_posts - state.log_posts - s_vol)
    state.finals += 1


def parse_ms(value: str) -> int:
    """Milliseconds since the epoch of an RFC 3339 timestamp."""
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def format_ms(ms: int) -> str:
    """RFC 3339 UTC with ``Z``, second precision unless milliseconds are needed."""
    dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if ms % 1000:
        text += f".{ms % 1000:03d}"
    return text + "Z"
