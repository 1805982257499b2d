"""Memory of the pipeline state: N distinct hashtags over 24 hours in 1-hour windows.

Runs the worker's folds (source, combine, roll-up; the same code and the same dict-backed
state Faust's memory store holds) over synthetic classified posts, each with a fresh
hashtag, and prints the peak RSS and the state size with the given retention. Usage:

    python bench/state_memory.py --hashtags 1000000 --retention 1h
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from deinfluence.processors.combine import CombineFold, RoutedBatch
from deinfluence.processors.eventtime import Item
from deinfluence.processors.pipeline import PipelineConfig
from deinfluence.processors.rollup import PartitionRollup, SourceReport
from deinfluence.processors.source import SourceFold

DAY_MS = 86_400_000


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hashtags", type=int, default=1_000_000)
    ap.add_argument("--retention", default="1h")
    ap.add_argument("--window", default="1h")
    ap.add_argument("--batch", type=int, default=5000)
    args = ap.parse_args()
    cfg = PipelineConfig.parse(args.window, grace="10m", retention=args.retention, dedup_horizon="1h")
    et = cfg.eventtime
    stores: dict[str, dict] = {"source": {}, "combine": {}, "rollup": {}}
    source, combine = SourceFold(0, stores["source"], et), CombineFold(0, stores["combine"], et)
    rollup = PartitionRollup(0, stores["rollup"], et, cfg.windows)
    t0 = 1_793_000_000_000 - 1_793_000_000_000 % DAY_MS
    step = DAY_MS / args.hashtags
    started, peak, finals = time.monotonic(), 0.0, 0
    for b, first in enumerate(range(0, args.hashtags, args.batch)):
        items = [
            Item(i, {"post_id": f"p{i}", "stance": ("deinfluencing", "promoting", "neutral")[i % 3],
                     "targets": {}, "hashtags": [f"tag{i}"], "sponsored": False, "reasons": [], "views": 10},
                 t0 + int(i * step))
            for i in range(first, min(args.hashtags, first + args.batch))
        ]
        src = source.process(items, items[-1].offset)
        source.commit(src)
        comb = combine.process([RoutedBatch(b, 0, src.watermark, False, 1,
                                            [(it.event_ms, it.post) for it in src.routed])])
        combine.commit(comb)
        out = rollup.step([SourceReport(0, comb.through, comb.watermark, False, 1, comb.partials)])
        rollup.commit()
        rollup.take_pending()
        finals += len(out.final)
        peak = max(peak, rss_mb())
        if b % 40 == 0:
            print(f"{items[-1].offset + 1:>9} posts  rss {rss_mb():7.1f} MiB  state keys "
                  f"{sum(len(s) for s in stores.values()):>9}", file=sys.stderr, flush=True)
    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"hashtags={args.hashtags} window={args.window} retention={args.retention}: "
          f"peak RSS {max(peak, hwm):.0f} MiB, final state keys "
          f"{sum(len(s) for s in stores.values())}, final windows {finals}, "
          f"{time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
