"""Synthetic multilingual post streams (``deinfluence.post.v1``) for demos and trend tests.

A stream is a sum of :class:`Component` s: each has a volume (posts per hour, a function
of the simulated time) and a stance mix (also a function of time). Arrivals are a
non-homogeneous Poisson process sampled per minute; ``created_at`` trails the arrival
by up to three minutes (publication-to-ingest jitter, well inside a 10-minute grace),
so posts come in arrival order with slightly shuffled event times, as from a real
firehose. Everything is drawn from one ``random.Random(seed)``: same seed, same file.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from deinfluence.processors import templates as tpl

DEFAULT_CATALOG = Path(__file__).parent / "data" / "brands.yaml"
PLATFORMS = ("tiktok", "instagram", "youtube", "x", "threads", "reddit", "facebook")
PLATFORM_WEIGHTS = (0.38, 0.26, 0.12, 0.08, 0.06, 0.06, 0.04)
MAX_JITTER_S = 180.0
Mix = tuple[float, float, float]  # shares of deinfluencing, promoting, neutral


@dataclass(frozen=True)
class Component:
    """One source of posts: a brand (or general talk) with a volume and a stance mix.

    Attributes:
        name: brand id, or "commentary" / "antihaul" for posts without a brand.
        volume: posts per hour at hour ``t`` since the start.
        mix: (deinfluencing, promoting, neutral) shares at hour ``t``.
        sponsored: share of promoting posts that disclose sponsorship.
        redirect: share of de-influencing posts that redirect to another brand.
        tags: extra hashtags on every post of the component (e.g. ``returnedit``).
        intent_tags: append the intent's hashtags (#deinfluencing, #haul, ...).
        lang_tags: append the language's generic tag (#fyp, #dktok, ...).
    """

    name: str
    volume: Callable[[float], float]
    mix: Callable[[float], Mix]
    sponsored: float = 0.3
    redirect: float = 0.0
    tags: tuple[str, ...] = ()
    intent_tags: bool = True
    lang_tags: bool = False


@dataclass
class Catalog:
    """Brand ids and display names the generator writes into texts."""

    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Catalog:
        doc = yaml.safe_load((path or DEFAULT_CATALOG).read_text(encoding="utf-8"))
        names = {}
        for brand in doc["brands"]:
            if brand.get("ambiguous"):
                continue  # "normal", "action": a generated mention must be unmistakable
            name = str(brand["name"])
            names[brand["id"]] = name if "(" not in name else str(brand["aliases"][0]).title()
        return cls(names)


def daily(amplitude: float, peak_hour: float = 20.0) -> Callable[[float], float]:
    """Multiplicative daily cycle (1 +- amplitude), peaking at ``peak_hour`` UTC."""
    def factor(hour_of_day: float) -> float:
        return 1.0 + amplitude * math.cos(2 * math.pi * (hour_of_day - peak_hour) / 24)
    return factor


def constant_mix(deinfluencing: float, neutral: float = 0.3) -> Callable[[float], Mix]:
    return lambda _t: (deinfluencing, 1.0 - deinfluencing - neutral, neutral)


def poisson(rng: random.Random, lam: float) -> int:
    """Poisson draw (Knuth for small means, normal approximation above 30)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class Generator:
    """Draws posts for a list of components over ``[start, start + hours)``."""

    components: list[Component]
    catalog: Catalog
    start: datetime
    hours: float
    seed: int = 7
    labels: bool = False
    prefix: str = "gen"
    max_posts: int | None = None

    def posts(self) -> Iterator[dict[str, Any]]:
        """The stream in arrival order."""
        rng = random.Random(self.seed)
        authors = _Authors(rng)
        count = 0
        start_hour = self.start.hour + self.start.minute / 60
        for minute in range(int(self.hours * 60)):
            t = minute / 60
            arrivals: list[tuple[float, Component]] = []
            for comp in self.components:
                n = poisson(rng, comp.volume(t) / 60)
                arrivals.extend((minute * 60 + rng.random() * 60, comp) for _ in range(n))
            arrivals.sort(key=lambda a: a[0])
            for second, comp in arrivals:
                if self.max_posts is not None and count >= self.max_posts:
                    return
                hour_of_day = (start_hour + second / 3600) % 24
                yield self._post(rng, authors, comp, second, hour_of_day, count)
                count += 1

    def _post(self, rng: random.Random, authors: _Authors, comp: Component, second: float,
              _hour_of_day: float, index: int) -> dict[str, Any]:
        lang = rng.choices(tpl.LANGS, tpl.LANG_WEIGHTS)[0]
        stance, text, targets, reasons, sponsored, intent = self._text(rng, comp, lang, second / 3600)
        tags = list(comp.tags)
        if comp.intent_tags:
            tags += rng.sample(tpl.HASHTAGS[intent], k=rng.randint(1, 2))
        if comp.lang_tags and rng.random() < 0.5:
            tags.append(tpl.LANG_TAGS[lang])
        if tags:
            text = f"{text} {' '.join('#' + t for t in tags)}"
        jitter = rng.random() * MAX_JITTER_S
        created = self.start + timedelta(seconds=max(second - jitter, 0.0))
        platform = rng.choices(PLATFORMS, PLATFORM_WEIGHTS)[0]
        author = authors.pick(lang)
        post: dict[str, Any] = {
            "post_id": f"{self.prefix}-{self.seed}-{index:07d}",
            "platform": platform,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond // 1000:03d}Z",
            "text": text,
            "lang": lang,
            "author": author,
            "metrics": _metrics(rng, author["followers"]),
            "url": f"https://{platform}.example/{author['id']}/{self.prefix}{index}",
        }
        if rng.random() < 0.5:
            post["hashtags"] = tags
        if self.labels:
            post["label"] = {"stance": stance, "targets": targets, "sponsored": sponsored,
                             "reasons": list(reasons)}
        return post

    def _text(self, rng: random.Random, comp: Component, lang: str,
              t: float) -> tuple[str, str, dict[str, str], tuple[str, ...], bool, str]:
        d, p, _n = comp.mix(t)
        u = rng.random()
        brand = self.catalog.names.get(comp.name)
        if brand is None:  # general talk: anti-haul (de-influencing) or commentary (neutral)
            if u < d:
                text, reasons = rng.choice(tpl.ANTI_HAUL[lang])
                return "deinfluencing", text, {}, reasons, False, "deinfluencing"
            text, _ = rng.choice(tpl.COMMENTARY[lang])
            return "neutral", text, {}, (), False, "neutral"
        if u < d:
            if rng.random() < comp.redirect:
                alt_id = rng.choice([b for b in self.catalog.names if b != comp.name])
                text, reasons = rng.choice(tpl.REDIRECT[lang])
                text = text.format(b=brand, alt=self.catalog.names[alt_id])
                return ("deinfluencing", text, {comp.name: "deinfluencing", alt_id: "promoting"},
                        reasons, False, "deinfluencing")
            text, reasons = rng.choice(tpl.DEINFLUENCING[lang])
            return "deinfluencing", text.format(b=brand), {comp.name: "deinfluencing"}, reasons, False, \
                "deinfluencing"
        if u < d + p:
            sponsored = rng.random() < comp.sponsored
            text, _ = rng.choice((tpl.SPONSORED if sponsored else tpl.PROMOTING)[lang])
            return "promoting", text.format(b=brand), {comp.name: "promoting"}, (), sponsored, "promoting"
        text, _ = rng.choice(tpl.NEUTRAL_BRAND[lang])
        return "neutral", text.format(b=brand), {comp.name: "neutral"}, (), False, "neutral"


class _Authors:
    """A fixed pool of authors per language, some big, most small (log-normal followers)."""

    def __init__(self, rng: random.Random, per_lang: int = 400) -> None:
        self.pool = {
            lang: [{"id": f"{lang}_creator_{i:04d}", "followers": int(rng.lognormvariate(8.0, 2.0))}
                   for i in range(per_lang)]
            for lang in tpl.LANGS
        }
        self.rng = rng

    def pick(self, lang: str) -> dict[str, Any]:
        return dict(self.rng.choice(self.pool[lang]))


def _metrics(rng: random.Random, followers: int) -> dict[str, int]:
    views = int((followers + 50) * rng.lognormvariate(0.0, 1.0))
    likes = int(views * rng.uniform(0.01, 0.12))
    return {"views": views, "likes": likes, "comments": int(likes * rng.uniform(0.01, 0.1)),
            "shares": int(likes * rng.uniform(0.0, 0.05))}


def parse_start(value: str | None, hours: float) -> datetime:
    """``--start`` as an aware datetime; default: now minus the span, on a whole minute."""
    if value:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    now = datetime.now(tz=UTC).replace(second=0, microsecond=0)
    return now - timedelta(hours=hours)
