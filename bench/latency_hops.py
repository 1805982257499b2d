"""Where the produce-to-aggregate latency goes, hop by hop, on the bench broker.

    python bench/latency_hops.py [RATE] [SECONDS] [--bootstrap HOST:PORT] [--runs N]

Runs the bench's latency phase (``Bench.latency``: a fresh worker, update interval 1 s,
``RATE`` posts/s for ``SECONDS``) with :class:`deinfluence.benchlatency.HopWatcher` beside
it, which reads the CreateTime of the first ``deinfluence.routed`` and
``deinfluence.partials`` record carrying each sample. The hops:

- ``raw->routed``: produce to the classify stage's ``produce()`` of the routed bundle;
- ``routed->partials``: the combine stage (fetch, ``take_events`` wait, fold, its ack waits);
- ``partials->aggregate``: the roll-up stage and the update timer (0 to 1 s of it);
- ``aggregate->read``: the broker's acknowledgement and the reader's fetch.

The topics are reset, as in ``deinfluence bench``: never point it at a broker whose
topics matter.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from deinfluence import benchmark as bm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rate", nargs="?", type=float, default=7000.0)
    ap.add_argument("seconds", nargs="?", type=float, default=30.0)
    ap.add_argument("--bootstrap", default="127.0.0.1:19310")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    posts = bm.generate_posts(100_000)
    with tempfile.TemporaryDirectory(prefix="latency-hops-") as work:
        for run in range(1, args.runs + 1):
            workdir = Path(work) / str(run)
            workdir.mkdir()
            bench = bm.Bench(args.bootstrap, workdir, args.partitions, 300)
            res = bench.latency(posts, args.rate, args.seconds, hops=True)
            print(f"run {run}: {args.rate:,.0f} posts/s for {args.seconds:.0f} s: p50 "
                  f"{res['p50_latency_s']:.3f} s, p99 {res['p99_latency_s']:.3f} s "
                  f"({res['latency_samples']} samples, {res['latency_missing']} missing)")
            for hop, f in res.get("latency_hops", {}).items():
                print(f"  {hop:20s} p50 {f['p50']:.3f}  p99 {f['p99']:.3f}  max {f['max']:.3f} s"
                      f"  ({f['samples']} samples)")


if __name__ == "__main__":
    main()
