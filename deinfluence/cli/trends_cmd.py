"""``deinfluence eval-trends`` and ``deinfluence plot-trends``: measure and show the detector.

Both run the backfill (classification, windows, trend detection: the pipeline's own
processors) over a JSONL of raw posts. ``eval-trends`` scores the trend records against
a scenario's truth (see ``deinfluence generate --scenario ... --truth``); ``plot-trends``
draws one key's rate, baseline band and alerts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from deinfluence.errors import ConfigError, DeinfluenceError
from deinfluence.processors.classify import Classifier, RuleClassifier
from deinfluence.processors.trend_eval import score
from deinfluence.processors.trend_state import HOUR_MS, parse_ms
from deinfluence.processors.trends import (
    DetectorState,
    TrendDetector,
    TrendParams,
    explain,
    observe,
)

DEFAULT_WINDOW = "1h/15m"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    e = subparsers.add_parser("eval-trends", help="precision, recall and delay of trend alerts vs a truth file")
    e.add_argument("posts", type=Path, help="raw posts (JSONL), e.g. from `generate --scenario`")
    e.add_argument("truth", type=Path, help="truth JSON written by `generate --truth`")
    _common(e)
    e.add_argument("--json", action="store_true", help="print the result as JSON")
    e.set_defaults(func=run_eval)
    p = subparsers.add_parser("plot-trends", help="plot one key's rate, baseline band and alerts (PNG)")
    p.add_argument("posts", type=Path, help="raw posts (JSONL)")
    p.add_argument("--key", required=True, help="KEY_TYPE:KEY, e.g. brand:stanley or hashtag:returnedit")
    p.add_argument("--out", type=Path, required=True, help="PNG file to write")
    p.add_argument("--truth", type=Path, help="shade the truth episodes of this file")
    _common(p)
    p.set_defaults(func=run_plot)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--window", default=DEFAULT_WINDOW, help=f"window spec SIZE or SIZE/STEP (default {DEFAULT_WINDOW})")
    p.add_argument("--brands", type=Path, help="brand catalog YAML (default: the packaged one)")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                yield orjson.loads(line)


def backfill(posts: Iterable[dict[str, Any]], window: str, brands: Path | None,
             params: TrendParams | None = None,
             classifier: Classifier | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(aggregates, trend records) of the pipeline's backfill over raw posts."""
    from deinfluence.processors.pipeline import Backfill, PipelineConfig

    engine = Backfill(PipelineConfig.parse(window), classifier or RuleClassifier(brands),
                      TrendDetector(params))
    engine.feed(orjson.dumps(p) for p in posts)
    result = engine.finish()
    return result.aggregates, result.trends


def window_ms(spec: str) -> int:
    """Size of the first window of a spec, in ms (``1h/15m`` -> 3,600,000)."""
    size = spec.split(",")[0].split("/")[0].strip()
    units = {"s": 1000, "m": 60_000, "h": HOUR_MS, "d": 24 * HOUR_MS}
    try:
        return int(size[:-1]) * units[size[-1]]
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"bad window spec {spec!r}") from exc


def run_eval(args: argparse.Namespace) -> int:
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    _, trends = backfill(read_jsonl(args.posts), args.window, args.brands)
    result = score(trends, truth, window_ms(args.window))
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    delay = summary["median_delay_min"]
    print(f"scenario        {truth.get('scenario', '?')}")
    print(f"truth episodes  {summary['truth_episodes']}   alert episodes {summary['alert_episodes']}")
    print(f"precision       {summary['precision']:.3f}")
    print(f"recall          {summary['recall']:.3f}")
    print(f"median delay    {'n/a' if delay is None else f'{delay:.1f} min'}")
    print(f"false episodes  {summary['false_episodes']} (on decoys: {summary['decoy_episodes']}); "
          f"related-key episodes {summary['related_episodes']}")
    for e in result.false_episodes:
        print(f"  false: {e.key_type}:{e.key} {e.direction} from {_iso(e.start_ms)} ({e.alerts} alerts)")
    return 0


def _iso(ms: int) -> str:
    from deinfluence.processors.trend_state import format_ms
    return format_ms(ms)


def baseline_series(aggregates: list[dict[str, Any]], key_type: str, key: str,
                    params: TrendParams | None = None) -> list[dict[str, float]]:
    """Rate and baseline per final window of one key, replaying the final windows."""
    state: DetectorState | None = None
    rows = []
    for agg in sorted((a for a in aggregates if (a["key_type"], a["key"]) == (key_type, key)),
                      key=lambda a: a["window_start"]):
        record = dict(agg, as_of=agg["window_end"], evaluation="final")
        basis = explain(state, record, params) if state is not None else None
        state, _ = observe(state, record, params)
        mid = (parse_ms(agg["window_start"]) + parse_ms(agg["window_end"])) / 2
        rows.append({"t": mid, "rate": agg["deinfluencing"] / max(agg["posts"], 1),
                     "posts": agg["posts"],
                     "baseline": basis["baseline_rate"] if basis else float("nan"),
                     "sigma": basis["sigma"] if basis else float("nan")})
    return rows


def run_plot(args: argparse.Namespace) -> int:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise DeinfluenceError("plot-trends needs matplotlib: pip install 'deinfluence[dev]'") from exc
    key_type, _, key = args.key.partition(":")
    if not key:
        raise ConfigError("--key must be KEY_TYPE:KEY, e.g. brand:stanley")
    aggregates, trends = backfill(read_jsonl(args.posts), args.window, args.brands)
    rows = baseline_series(aggregates, key_type, key)
    if not rows:
        raise ConfigError(f"no windows for {args.key} in {args.posts}")
    from datetime import UTC, datetime
    def when(ms: float) -> datetime:
        return datetime.fromtimestamp(ms / 1000, tz=UTC)
    params = TrendParams()
    xs = [when(r["t"]) for r in rows]
    fig, (ax, axv) = plt.subplots(2, 1, figsize=(12, 6), sharex=True, height_ratios=(3, 1))
    ax.plot(xs, [r["rate"] for r in rows], lw=1, color="tab:blue", label="de-influencing rate (final windows)")
    ax.plot(xs, [r["baseline"] for r in rows], lw=1.5, color="black", label="baseline (seasonal EWMA)")
    ax.fill_between(xs, [r["baseline"] - 2 * r["sigma"] for r in rows],
                    [r["baseline"] + 2 * r["sigma"] for r in rows],
                    color="grey", alpha=0.25, label="baseline ± 2σ")
    # the score is on the smoothed rate; on the raw rate of a final window of n posts the
    # alert line sits at baseline + threshold * sigma * (n + m) / n
    ax.plot(xs, [r["baseline"] + params.threshold * r["sigma"] * (r["posts"] + params.prior_strength)
                 / max(r["posts"], 1) for r in rows],
            lw=0.8, ls=":", color="tab:red", label=f"alert level, final window ({params.threshold:g}σ)")
    mine = [t for t in trends if (t["key_type"], t["key"]) == (key_type, key)]
    for t in mine:
        colour = "tab:red" if t["direction"] == "up" else "tab:green"
        ax.axvline(when(parse_ms(t["detected_at"])), color=colour, ls="--", lw=1)
        ax.scatter([when(parse_ms(t["detected_at"]))], [t["deinfluencing_rate"]], color=colour, zorder=3)
    if args.truth:
        for e in json.loads(args.truth.read_text(encoding="utf-8")).get("episodes", []):
            if (e["key_type"], e["key"]) == (key_type, key):
                ax.axvspan(when(parse_ms(e["onset"])), when(parse_ms(e["end"])), color="orange", alpha=0.15,
                           label="injected episode (truth)")
    ax.set_ylabel("share of posts")
    ax.set_title(f"{args.key}: {len(mine)} alert(s), window {args.window}")
    ax.legend(loc="upper left", fontsize=8)
    axv.bar(xs, [r["posts"] for r in rows], width=0.008, color="tab:grey")
    axv.set_ylabel("posts / window")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"plot-trends: wrote {args.out} ({len(rows)} windows, {len(mine)} alerts)", file=sys.stderr)
    return 0
