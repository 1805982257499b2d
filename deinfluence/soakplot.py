"""The soak plot: RSS, consumer lag and latency against time, three stacked panels (PNG).

matplotlib is an optional dependency (extras ``bench`` and ``dev``): it is imported here only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from deinfluence.errors import DeinfluenceError
from deinfluence.soak import Sample


class PlotUnavailableError(DeinfluenceError):
    """matplotlib is not installed (``pip install 'deinfluence[bench]'``)."""


def plot(rows: Sequence[Sample], path: Path, summary: dict[str, Any] | None = None) -> Path:
    """Write the three panels to ``path`` (PNG); returns ``path``."""
    try:
        import matplotlib
    except ImportError as exc:
        raise PlotUnavailableError("the soak plot needs matplotlib: pip install 'deinfluence[bench]'") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minutes = [r.elapsed_s / 60 for r in rows]
    fig, (ax_rss, ax_lag, ax_lat) = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
    ax_rss.plot(minutes, [r.rss_mib if r.rss_mib > 0 else math.nan for r in rows], color="tab:blue")
    ax_rss.set_ylabel("worker RSS (MiB)")
    ax_rss.set_ylim(bottom=0)
    if any(r.state_keys for r in rows):  # what the RSS holds: the worker's state tables
        ax_keys = ax_rss.twinx()
        ax_keys.plot(minutes, [r.state_keys or math.nan for r in rows], "--", color="tab:gray", lw=1)
        ax_keys.set_ylabel("state keys (dashed)", color="tab:gray")
        ax_keys.set_ylim(bottom=0)
    for name, color in (("raw", "tab:orange"), ("routed", "tab:green"), ("partials", "tab:purple")):
        ax_lag.plot(minutes, [getattr(r, f"lag_{name}") for r in rows], label=name, color=color)
    ax_lag.set_ylabel("consumer lag (records)")
    ax_lag.set_ylim(bottom=0)
    ax_lag.legend(loc="upper right", fontsize="small")
    ax_lat.plot(minutes, [r.latency_p50_s for r in rows], ".-", ms=3, lw=0.6, label="p50 per interval", color="tab:blue")
    ax_lat.plot(minutes, [r.latency_p99_s for r in rows], ".-", ms=3, lw=0.6, label="p99 per interval", color="tab:red")
    ax_lat.set_ylabel("produce -> aggregate (s)")
    ax_lat.set_ylim(bottom=0)
    ax_lat.set_xlabel("minutes")
    ax_lat.legend(loc="upper right", fontsize="small")
    for ax in (ax_rss, ax_lag, ax_lat):
        ax.grid(alpha=0.3)
    fig.suptitle(_title(summary))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _title(s: dict[str, Any] | None) -> str:
    if not s:
        return "deinfluence soak"
    span = f"{s['duration_s'] / 60:.0f} min" if s["duration_s"] >= 120 else f"{s['duration_s']:g} s"
    return (f"deinfluence soak: {s['rate_posts_per_s']:g} posts/s for {span}, RSS slope "
            f"{_num(s['rss_slope_mib_per_hour'], '+.1f')} MiB/h, latency p50 "
            f"{_num(s['latency_p50_s'], '.2f')} s p99 {_num(s['latency_p99_s'], '.2f')} s")


def _num(value: float | None, spec: str) -> str:
    """A figure of the summary; None (from JSON) or NaN: not measured."""
    return "n/a" if value is None or math.isnan(value) else format(value, spec)
