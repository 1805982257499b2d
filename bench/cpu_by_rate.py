"""The worker's CPU per post as a function of the input rate (and of the batch timeout).

    python bench/cpu_by_rate.py [RATE ...] [--seconds S] [--batch-timeouts 0.05,0.2]
                                [--bootstrap HOST:PORT] [--runs N]

Each run is the bench's latency phase (``Bench.latency``: a fresh worker, update interval
1 s, posts produced one per message at ``RATE`` with ``created_at`` = now) with the worker's
``DEINFLUENCE_BATCH_TIMEOUT`` set. Printed per run: the worker's cores and microseconds of
CPU per post while posts flowed (``latency_cpu``, read from ``/proc`` after the first third
of the run, at most 5 s), the broker's when it runs on this machine, and p50 / p99 latency.
The backlog phases of ``deinfluence bench`` give the other end of the curve.

The topics are reset, as in ``deinfluence bench``: never point it at a broker whose topics
matter.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from deinfluence import benchmark as bm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rates", nargs="*", type=float, default=[250.0, 1000.0, 4000.0, 8000.0])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--batch-timeouts", default="0.05",
                    help="comma-separated DEINFLUENCE_BATCH_TIMEOUT values (default 0.05, the default)")
    ap.add_argument("--bootstrap", default="127.0.0.1:19310")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    posts = bm.generate_posts(100_000)
    print(f"{'timeout':>8} {'posts/s':>8} {'worker cores':>13} {'us/post':>8} {'broker cores':>13} "
          f"{'p50 s':>6} {'p99 s':>6}")
    with tempfile.TemporaryDirectory(prefix="cpu-by-rate-") as work:
        for timeout in args.batch_timeouts.split(","):
            for rate in args.rates:
                for run in range(args.runs):
                    workdir = Path(work) / f"{timeout}-{rate:.0f}-{run}"
                    workdir.mkdir()
                    bench = bm.Bench(args.bootstrap, workdir, args.partitions, 300)
                    res = bench.latency(posts, rate, args.seconds,
                                        DEINFLUENCE_BATCH_TIMEOUT=timeout)
                    cpu = res.get("latency_cpu", {})
                    w, b = cpu.get("workers", {}), cpu.get("broker", {})
                    print(f"{timeout:>8} {rate:>8,.0f} {w.get('cores', float('nan')):>13.2f} "
                          f"{w.get('us_per_post', float('nan')):>8.0f} "
                          f"{b.get('cores', float('nan')):>13.2f} "
                          f"{res['p50_latency_s']:>6.2f} {res['p99_latency_s']:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
