"""Building ``deinfluence.aggregate.v1`` records from count vectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deinfluence.processors.classify import REASONS
from deinfluence.processors.windows import WindowSpec, rfc3339

AGGREGATE_SCHEMA = "deinfluence.aggregate.v1"

# Beta prior of the de-influencing share used to smooth small counts (beta-binomial):
# smoothed = (deinfluencing + a) / (posts + a + b). Mean 0.2 with the weight of 10 posts:
# a window with 2 posts out of 2 reads 0.33, not 1.0. Estimated from labeled data; see README.
PRIOR_RATE = 0.2
PRIOR_WEIGHT = 10.0


def aggregate_record(
    key: str, spec: WindowSpec, start_ms: int, counts: Sequence[int], final: bool
) -> dict[str, Any]:
    """The aggregate record of one key and window from its summed count vector."""
    key_type, _, name = key.partition("|")
    posts, dein, promo, neutral, views, dein_views, sponsored = counts[:7]
    return {
        "schema": AGGREGATE_SCHEMA,
        "key_type": key_type,
        "key": name,
        "window": spec.name,
        "window_size": spec.size,
        "window_step": spec.step,
        "window_start": rfc3339(start_ms),
        "window_end": rfc3339(start_ms + spec.size_ms),
        "posts": posts,
        "deinfluencing": dein,
        "promoting": promo,
        "neutral": neutral,
        "deinfluencing_rate": round(dein / posts, 6) if posts else 0.0,
        "smoothed_rate": round((dein + PRIOR_RATE * PRIOR_WEIGHT) / (posts + PRIOR_WEIGHT), 6),
        "views": views,
        "deinfluencing_views": dein_views,
        "views_weighted_rate": round(dein_views / views, 6) if views else 0.0,
        "sponsored": sponsored,
        "organic": posts - sponsored,
        "reasons": {r: counts[7 + i] for i, r in enumerate(REASONS)},
        "final": final,
    }
