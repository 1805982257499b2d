"""Matching alert episodes to truth episodes."""

from __future__ import annotations

from deinfluence.processors.trend_eval import alert_episodes, score

HOUR = 3_600_000
TRUTH = {
    "episodes": [{"key_type": "brand", "key": "stanley", "onset": "2026-11-03T02:00:00Z",
                  "end": "2026-11-03T08:00:00Z", "direction": "up"}],
    "decoys": [{"key_type": "brand", "key": "owala"}],
}


def alert(key: str, at: str, start: str | None = None, direction: str = "up") -> dict:
    return {"key_type": "brand", "key": key, "window_size": "1h", "direction": direction,
            "detected_at": at, "evidence": {"episode_start": start or at}}


def test_match_delay_and_decoy() -> None:
    trends = [
        alert("stanley", "2026-11-03T02:30:00Z"),
        alert("stanley", "2026-11-03T08:30:00Z", start="2026-11-03T02:30:00Z"),  # reminder
        alert("owala", "2026-11-02T10:00:00Z"),
    ]
    result = score(trends, TRUTH, HOUR)
    assert (result.recall, result.precision) == (1.0, 0.5)
    assert result.median_delay_s == 1800
    assert [e.key for e in result.decoy_episodes] == ["owala"]


def test_alert_before_onset_or_wrong_direction_does_not_match() -> None:
    early = score([alert("stanley", "2026-11-03T01:45:00Z")], TRUTH, HOUR)
    down = score([alert("stanley", "2026-11-03T03:00:00Z", direction="down")], TRUTH, HOUR)
    assert early.recall == down.recall == 0.0
    assert len(early.false_episodes) == len(down.false_episodes) == 1


def test_alert_up_to_one_window_after_end_matches() -> None:
    assert score([alert("stanley", "2026-11-03T09:00:00Z")], TRUTH, HOUR).recall == 1.0
    assert score([alert("stanley", "2026-11-03T09:15:00Z")], TRUTH, HOUR).recall == 0.0


def test_reminders_group_into_one_episode() -> None:
    trends = [alert("stanley", f"2026-11-03T0{h}:00:00Z", start="2026-11-03T02:00:00Z") for h in (2, 8)]
    assert len(alert_episodes(trends)) == 1


def test_related_key_inside_an_episode_is_neither_false_nor_required() -> None:
    truth = dict(TRUTH, related=[{"key_type": "all", "key": "all"}])
    inside = dict(alert("all", "2026-11-03T03:00:00Z"), key_type="all")
    outside = dict(alert("all", "2026-11-02T03:00:00Z"), key_type="all")
    result = score([alert("stanley", "2026-11-03T02:15:00Z"), inside, outside], truth, HOUR)
    assert result.recall == 1.0
    assert len(result.related_episodes) == 1 and len(result.false_episodes) == 1
