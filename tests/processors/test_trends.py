"""TrendDetector on synthetic aggregate-record sequences (the fields the pipeline emits)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from deinfluence.processors.trend_state import format_ms, parse_ms
from deinfluence.processors.trends import DetectorState, TrendDetector, TrendParams, observe
from deinfluence.schemas.trend import validate

T0 = parse_ms("2026-11-01T00:00:00Z")
PANE = 15 * 60_000
HOUR = 3_600_000

# (posts per pane, de-influencing share) as a function of the pane index
Profile = Callable[[int], tuple[float, float]]


def pane_counts(profile: Profile, panes: int, seed: int = 1) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    out = []
    for i in range(panes):
        volume, share = profile(i)
        n = max(0, round(rng.gauss(volume, volume ** 0.5)))
        out.append((n, sum(rng.random() < share for _ in range(n))))
    return out


def records(counts: list[tuple[int, int]], key: str = "stanley", key_type: str = "brand",
            size: int = 4) -> Iterator[dict[str, Any]]:
    """1h/15m hopping windows, evaluated at every pane boundary as the pipeline does."""
    for boundary in range(1, len(counts) + 1):
        for start in range(boundary - size, boundary):
            part = counts[max(start, 0):boundary]
            posts, deinf = sum(c[0] for c in part), sum(c[1] for c in part)
            if posts == 0:
                continue
            final = start + size == boundary
            yield {
                "schema": "deinfluence.aggregate.v1", "key_type": key_type, "key": key,
                "window_size": "1h", "window_step": "15m",
                "window_start": format_ms(T0 + start * PANE), "window_end": format_ms(T0 + (start + size) * PANE),
                "posts": posts, "deinfluencing": deinf, "promoting": (posts - deinf) // 2,
                "neutral": posts - deinf - (posts - deinf) // 2, "deinfluencing_rate": deinf / posts,
                "smoothed_rate": (deinf + 1) / (posts + 2), "views": posts * 1000,
                "final": final, "as_of": format_ms(T0 + boundary * PANE),
                "evaluation": "final" if final else "progress",
            }


def run(counts: list[tuple[int, int]], **kw: Any) -> list[dict[str, Any]]:
    detector = TrendDetector(TrendParams())
    return [t for r in records(counts, **kw) for t in detector.process(r)]


DAY = 96  # panes


def steady(volume: float = 25.0, share: float = 0.1) -> Profile:
    return lambda i: (volume, share)


def test_steady_key_never_alerts() -> None:
    assert run(pane_counts(steady(), 3 * DAY)) == []


def test_sharp_surge_alerts_up_within_an_hour_while_it_happens() -> None:
    onset = 2 * DAY + 8
    counts = pane_counts(lambda i: (25.0, 0.4 if onset <= i < onset + 24 else 0.1), 3 * DAY)
    alerts = run(counts)
    assert alerts, "the surge was not reported"
    first = alerts[0]
    assert first["direction"] == "up" and not first["emerging"]
    assert T0 + onset * PANE <= parse_ms(first["detected_at"]) <= T0 + onset * PANE + HOUR
    assert first["evidence"]["baseline_rate"] < 0.2 < first["deinfluencing_rate"]


def test_promotional_volume_spike_does_not_alert() -> None:
    onset = 2 * DAY
    counts = pane_counts(lambda i: (150.0, 0.02) if onset <= i < onset + 24 else (25.0, 0.1), 3 * DAY)
    assert run(counts) == []


def test_low_volume_noisy_key_does_not_alert() -> None:
    rng = random.Random(5)
    shares = [rng.betavariate(1.5, 4.5) for _ in range(3 * DAY // 8 + 1)]
    assert run(pane_counts(lambda i: (3.0, shares[i // 8]), 3 * DAY)) == []


def test_new_hashtag_rising_from_nothing_is_emerging() -> None:
    onset = 2 * DAY
    counts = pane_counts(lambda i: (0.05, 0.3) if i < onset else (min(2 * 2 ** ((i - onset) / 2), 20), 0.85),
                         2 * DAY + 16)
    alerts = run(counts, key="returnedit", key_type="hashtag")
    assert alerts and alerts[0]["emerging"] and alerts[0]["direction"] == "up"
    assert parse_ms(alerts[0]["detected_at"]) <= T0 + onset * PANE + HOUR


def test_hashtag_big_from_the_first_window_is_not_emerging() -> None:
    """At stream start every key is new: a busy hashtag must not 'emerge'."""
    alerts = run(pane_counts(steady(20.0, 0.9), DAY), key="deinfluencing", key_type="hashtag")
    assert alerts == []


def test_progress_records_do_not_move_the_baseline() -> None:
    finals_only = [r for r in records(pane_counts(steady(), DAY)) if r["evaluation"] == "final"]
    everything = list(records(pane_counts(steady(), DAY)))
    a, b = None, None
    for r in finals_only:
        a, _ = observe(a, r)
    for r in everything:
        b, _ = observe(b, r)
    assert a is not None and b is not None
    assert (a.rate, a.rate_var, a.log_posts, a.season_rate) == (b.rate, b.rate_var, b.log_posts, b.season_rate)


def test_republished_final_window_is_not_counted_twice() -> None:
    state = None
    recs = [r for r in records(pane_counts(steady(), 40)) if r["evaluation"] == "final"]
    for r in recs:
        state, _ = observe(state, r)
    assert state is not None
    before = state.to_dict()
    state, out = observe(state, dict(recs[-5], posts=500, deinfluencing=400))
    assert out == [] and state.to_dict() == before


def test_long_surge_is_one_episode_with_reminders_only_after_cooldown() -> None:
    onset = 2 * DAY
    counts = pane_counts(lambda i: (25.0, 0.45 if i >= onset else 0.1), 3 * DAY)
    alerts = run(counts)
    starts = {a["evidence"]["episode_start"] for a in alerts}
    assert len(starts) == 1
    times = [parse_ms(a["detected_at"]) for a in alerts]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(g >= TrendParams().cooldown_h * HOUR for g in gaps)
    assert all(a["evidence"]["reminder"] for a in alerts[1:])


def test_no_down_alert_when_a_surge_ends() -> None:
    onset = 2 * DAY
    counts = pane_counts(lambda i: (25.0, 0.45 if onset <= i < onset + 24 else 0.1), 3 * DAY)
    assert {a["direction"] for a in run(counts)} == {"up"}


def test_real_drop_of_deinfluencing_alerts_down() -> None:
    onset = 2 * DAY
    counts = pane_counts(lambda i: (40.0, 0.02 if onset <= i < onset + 16 else 0.35), 3 * DAY)
    assert "down" in {a["direction"] for a in run(counts)}


def test_same_records_same_output_and_state_survives_json() -> None:
    onset = 2 * DAY
    recs = list(records(pane_counts(lambda i: (25.0, 0.4 if i >= onset else 0.1), 2 * DAY + 12)))
    straight = run(pane_counts(lambda i: (25.0, 0.4 if i >= onset else 0.1), 2 * DAY + 12))
    state: DetectorState | None = None
    resumed = []
    for i, r in enumerate(recs):
        if state is not None and i % 97 == 0:  # a restart: state goes through JSON
            state = DetectorState.from_dict(json.loads(json.dumps(state.to_dict())))
        state, out = observe(state, r)
        resumed.extend(out)
    assert resumed == straight and straight


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_trend_records_follow_the_schema(seed: int) -> None:
    onset = 2 * DAY
    counts = pane_counts(lambda i: (25.0, 0.5 if i >= onset else 0.1), 2 * DAY + 8, seed)
    alerts = run(counts)
    assert alerts
    for a in alerts:
        validate(a)
        assert a["detected_at"] == format_ms(parse_ms(a["detected_at"]))
