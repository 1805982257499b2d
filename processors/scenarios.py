"""Named trend scenarios: stream components plus the ground truth they imply.

Each scenario is a realistic background (a dozen brands, de-influencing commentary and
anti-haul talk, a daily volume cycle) plus one injected pattern, over three simulated
days at about 250 posts an hour (18k-25k posts). The truth lists the episodes a good
detector must report (``onset`` = when the injected change begins) and decoys: keys
that look dramatic but must not alert. A step starts at its onset; a gradual drift has no
such instant, so its onset is when the true share has risen by ``MATERIAL_RISE``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from deinfluence.processors.generate import Component, Mix, constant_mix, daily

DEFAULT_RATE = 0.07  # posts per simulated second of a scenario at scale 1 (about 250 an hour)
DEMO_RATE = 0.1
SCENARIO_DAYS = 3.0
MATERIAL_RISE = 0.10  # onset of a gradual drift: when the true share is 10 points up
BACKGROUND = {  # brand -> (posts per hour, de-influencing share)
    "owala": (14, 0.12), "dyson": (16, 0.15), "glossier": (12, 0.10), "olaplex": (10, 0.18),
    "cerave": (14, 0.08), "laneige": (8, 0.12), "skims": (12, 0.14), "lululemon": (12, 0.16),
    "shein": (16, 0.30), "crocs": (8, 0.10), "nike": (14, 0.09), "sephora": (10, 0.12),
}


@dataclass
class Scenario:
    """Components of a stream and the truth about it."""

    name: str
    components: list[Component]
    episodes: list[dict[str, Any]] = field(default_factory=list)
    decoys: list[dict[str, str]] = field(default_factory=list)
    related: list[dict[str, str]] = field(default_factory=lambda: [{"key_type": "all", "key": "all"}])

    def truth(self, start: datetime, hours: float) -> dict[str, Any]:
        """JSON ground truth, with hour offsets turned into RFC 3339 timestamps."""
        def at(h: float) -> str:
            return (start + timedelta(hours=min(h, hours))).strftime("%Y-%m-%dT%H:%M:%SZ")
        episodes = [{"key_type": e["key_type"], "key": e["key"], "onset": at(e["onset_h"]),
                     "end": at(e["end_h"]), "direction": e["direction"]} for e in self.episodes]
        return {"scenario": self.name, "start": at(0), "end": at(hours),
                "episodes": episodes, "decoys": self.decoys, "related": self.related}


def _between(t0: float, t1: float, inside: float, outside: float) -> Callable[[float], float]:
    return lambda t: inside if t0 <= t < t1 else outside


def _background(scale: float, cycle: Callable[[float], float], skip: tuple[str, ...] = ()) -> list[Component]:
    comps = [Component(b, (lambda t, v=v: v * scale * cycle(t)), constant_mix(d), redirect=0.0)
             for b, (v, d) in BACKGROUND.items() if b not in skip]
    comps.append(Component("commentary", lambda t: 8 * scale * cycle(t), constant_mix(0.0, 1.0)))
    comps.append(Component("antihaul", lambda t: 8 * scale * cycle(t), constant_mix(1.0, 0.0)))
    return comps


def _episode(key: str, onset: float, end: float, key_type: str = "brand") -> dict[str, Any]:
    return {"key_type": key_type, "key": key, "onset_h": onset, "end_h": end, "direction": "up"}


def _decoys(*keys: str, key_type: str = "brand") -> list[dict[str, str]]:
    return [{"key_type": key_type, "key": k} for k in keys]


def build(name: str, start_hour: float, scale: float = 1.0, seed: int = 7) -> Scenario:
    """The named scenario; ``start_hour`` (UTC hour of day of the start) aligns the cycles."""
    def cycle(t: float) -> float:
        return daily(0.35)((start_hour + t) % 24)

    def hour_of_day(t: float) -> float:
        return (start_hour + t) % 24

    builders: dict[str, Callable[[], Scenario]] = {
        "sharp_surge": lambda: _sharp_surge(scale, cycle),
        "volume_surge": lambda: _volume_surge(scale, cycle),
        "slow_drift": lambda: _slow_drift(scale, cycle),
        "daily_cycle": lambda: _daily_cycle(scale, cycle, hour_of_day),
        "promo_spike": lambda: _promo_spike(scale, cycle),
        "low_volume_noise": lambda: _low_volume_noise(scale, cycle, seed),
        "emerging_hashtag": lambda: _emerging_hashtag(scale, cycle),
    }
    if name not in builders:
        raise KeyError(name)
    return builders[name]()


SCENARIOS = ("sharp_surge", "volume_surge", "slow_drift", "daily_cycle", "promo_spike",
             "low_volume_noise", "emerging_hashtag")


def _sharp_surge(scale: float, cycle: Callable[[float], float]) -> Scenario:
    onset, end = 50.0, 56.0
    share = _between(onset, end, 0.40, 0.10)
    comps = _background(scale, cycle) + [
        Component("stanley", lambda t: 100 * scale * cycle(t), lambda t: (share(t), 0.7 - share(t), 0.3))]
    return Scenario("sharp_surge", comps, [_episode("stanley", onset, end)], _decoys("owala", "dyson"))


def _volume_surge(scale: float, cycle: Callable[[float], float]) -> Scenario:
    onset, end = 52.0, 58.0
    comps = _background(scale, cycle, skip=("dyson",)) + [
        Component("dyson", lambda t: 40 * scale * cycle(t), constant_mix(0.12)),
        Component("dyson", _between(onset, end, 120 * scale, 0.0), constant_mix(0.55, 0.15)),
    ]
    return Scenario("volume_surge", comps, [_episode("dyson", onset, end)], _decoys("owala", "stanley"))


def _slow_drift(scale: float, cycle: Callable[[float], float]) -> Scenario:
    onset, ramp, end = 48.0, 3.0, 72.0

    def mix(t: float) -> Mix:
        d = 0.08 + 0.37 * min(max((t - onset) / ramp, 0.0), 1.0)
        return d, 0.7 - d, 0.3
    comps = _background(scale, cycle, skip=("olaplex",)) + [
        Component("olaplex", lambda t: 200 * scale * cycle(t), mix)]
    material = onset + ramp * MATERIAL_RISE / 0.37  # a gradual change has no instant onset
    return Scenario("slow_drift", comps, [_episode("olaplex", material, end)], _decoys("owala", "dyson"))


def _daily_cycle(scale: float, cycle: Callable[[float], float],
                 hour_of_day: Callable[[float], float]) -> Scenario:
    volume, share = daily(0.6, peak_hour=20.0), daily(0.4, peak_hour=22.0)
    comps = _background(scale, cycle, skip=("glossier",)) + [
        Component("glossier", lambda t: 80 * scale * volume(hour_of_day(t)),
                  lambda t: (0.12 * share(hour_of_day(t)), 0.7 - 0.12 * share(hour_of_day(t)), 0.3))]
    return Scenario("daily_cycle", comps, [], _decoys("glossier", "owala", "dyson"))


def _promo_spike(scale: float, cycle: Callable[[float], float]) -> Scenario:
    onset, end = 50.0, 56.0
    comps = _background(scale, cycle) + [
        Component("sol_de_janeiro", lambda t: 40 * scale * cycle(t), constant_mix(0.15)),
        Component("sol_de_janeiro", _between(onset, end, 250 * scale, 0.0), constant_mix(0.0, 0.1),
                  sponsored=0.6),
    ]
    return Scenario("promo_spike", comps, [], _decoys("sol_de_janeiro", "owala", "dyson"))


def _low_volume_noise(scale: float, cycle: Callable[[float], float], seed: int) -> Scenario:
    rng = random.Random(seed + 1)  # the noisy rates are part of the scenario, fixed per seed
    blocks = int(SCENARIO_DAYS * 24 / 2) + 2
    tatcha = [rng.betavariate(1.5, 4.5) for _ in range(blocks)]
    laneige = [rng.betavariate(6.0, 18.0) for _ in range(blocks)]

    def noisy(shares: list[float]) -> Callable[[float], Mix]:
        def mix(t: float) -> Mix:
            d = shares[min(int(t // 2), len(shares) - 1)]
            return d, (1 - d) * 0.6, (1 - d) * 0.4
        return mix
    comps = _background(scale, cycle, skip=("laneige",)) + [
        Component("tatcha", lambda t: 12 * scale * cycle(t), noisy(tatcha)),
        Component("laneige", lambda t: 30 * scale * cycle(t), noisy(laneige)),
    ]
    return Scenario("low_volume_noise", comps, [], _decoys("tatcha", "laneige", "owala"))


def _emerging_hashtag(scale: float, cycle: Callable[[float], float]) -> Scenario:
    onset, end = 52.0, 62.0

    def volume(t: float) -> float:
        if t < onset:
            return 0.15 * scale  # a stray mention every few hours: near-empty history
        if t >= end:
            return 2.0 * scale
        return min(6.0 * 2 ** ((t - onset) / 0.5), 80.0) * scale

    comps = _background(scale, cycle) + [
        Component("antihaul", volume, lambda t: (0.85, 0.0, 0.15) if t >= onset else (0.3, 0.0, 0.7),
                  tags=("returnedit",), intent_tags=False)]
    return Scenario("emerging_hashtag", comps, [_episode("returnedit", onset, end, "hashtag")],
                    _decoys("owala", "dyson"))


def demo_components(catalog_ids: list[str], posts_per_hour: float, seed: int,
                    cycle: Callable[[float], float]) -> list[Component]:
    """A realistic everyday stream: every unambiguous catalog brand, skewed volumes.

    Brand volumes are log-normal (a few big brands, a long tail), normalised so the
    whole stream averages ``posts_per_hour``; a tenth goes to brand-less talk.
    """
    rng = random.Random(seed)
    drawn = {b: rng.lognormvariate(0.0, 0.9) for b in catalog_ids}
    unit = 0.9 * posts_per_hour / max(sum(drawn.values()), 1e-9)
    comps = []
    for brand, weight in drawn.items():
        share = min(rng.betavariate(2, 10), 0.6)
        comps.append(Component(brand, (lambda t, v=weight * unit: v * cycle(t)),
                               constant_mix(share, rng.uniform(0.15, 0.4)),
                               redirect=0.2, lang_tags=True))
    talk = 0.05 * posts_per_hour
    comps.append(Component("commentary", lambda t: talk * cycle(t), constant_mix(0.0, 1.0), lang_tags=True))
    comps.append(Component("antihaul", lambda t: talk * cycle(t), constant_mix(1.0, 0.0), lang_tags=True))
    return comps


def demo_events(hours: float, posts_per_hour: float, brand: str = "stanley") -> list[Component]:
    """Something for the demo's trend view: a de-influencing surge on one brand in the
    last quarter of the span, and a new hashtag (#returnedit) taking off near the end.
    Only spans of 8 hours or more get them (the detector needs a baseline first)."""
    if hours < 8:
        return []
    surge, rise = 0.75 * hours, 0.85 * hours
    extra = max(0.15 * posts_per_hour, 30.0)
    return [
        Component(brand, _between(surge, surge + 3, extra, 0.0), constant_mix(0.7, 0.1), redirect=0.3),
        Component("antihaul", lambda t: min(6.0 * 2 ** ((t - rise) / 0.5), 60.0) if t >= rise else 0.15,
                  lambda t: (0.85, 0.0, 0.15) if t >= rise else (0.3, 0.0, 0.7),
                  tags=("returnedit",), intent_tags=False),
    ]
