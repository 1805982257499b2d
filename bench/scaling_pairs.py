"""Why two workers are not twice one: rate, CPU per post and batches per stage, 1 and 2 workers.

    python bench/scaling_pairs.py [--posts N] [--pairs K] [--machine] [--bootstrap HOST:PORT]
                                  [--env NAME=VALUE ...] [--warmup K]

Each pair runs the bench's stable-group phase (``Bench.scaling``: the workers are ready on
empty topics, then the posts are produced one per message) with one worker and with two; odd
pairs run two workers first, so that the machine's drift within a pair falls on both alike.
Printed per run: posts/s, the workers' CPU per post (all threads, and by kind of thread:
``main`` is the event loop), and per stage the partition batches all workers ran (one per
partition per round), the messages per batch and the milliseconds of the stage's timed steps
per batch (from the workers' ``/metrics``: ``benchmark.batches``). With ``--machine``, before
each pair, the machine's own two-process figures at that moment (``benchmachine.two_process``,
the loop and the pipeline's processors, no Kafka). At the end, the medians over the pairs of
the two-worker ratios: this machine's speed moves by tens of percent from minute to minute,
so one pair says little. Before the first pair, up to ``--warmup`` uncounted one-worker runs
warm the broker (``Bench.warm_broker``): a fresh broker's JIT compiler used half a core through
the first pair of session 23. ``--env`` sets worker settings, e.g.
``DEINFLUENCE_STANDBY_REPLICAS=1`` (a warm copy of the other worker's state; the default,
``auto``, keeps none with the in-memory store) or ``DEINFLUENCE_STORE=rocksdb://``.

The topics are reset, as in ``deinfluence bench``: never point it at a broker whose topics
matter.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from deinfluence import benchmark as bm
from deinfluence.benchkafka import add_warmup_option
from deinfluence.benchmachine import two_process


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=400_000,
                    help="backlog per run (default 400,000: 100,000 lasted 3 to 5 s, too short "
                    "for a steady ratio)")
    ap.add_argument("--pairs", type=int, default=2)
    ap.add_argument("--bootstrap", default="127.0.0.1:19310")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--env", nargs="*", default=[], help="worker settings NAME=VALUE")
    ap.add_argument("--machine", action="store_true", help="measure the machine before each pair")
    add_warmup_option(ap)
    args = ap.parse_args()
    values = bm.encode_posts(bm.generate_posts(args.posts))
    bad = [item for item in args.env if "=" not in item or item.startswith(
        ("DEINFLUENCE_APP_ID=", "DEINFLUENCE_DATA_DIR="))]
    if bad:
        ap.error(f"--env takes NAME=VALUE worker settings other than the group and data dir: {bad}")
    env = dict(item.split("=", 1) for item in args.env)
    ratios: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="scaling-pairs-") as work:
        bm.warm_up(args.bootstrap, Path(work), args.partitions, values, args.warmup, **env)
        for pair in range(args.pairs):
            for kind in ("loop", "stages") if args.machine else ():  # the ceiling now
                print(f"pair {pair} machine, {kind}: {two_process(kind, pairs=3)}", flush=True)
            got: dict[int, tuple[float, dict[str, float]]] = {}
            for workers in (1, 2) if pair % 2 == 0 else (2, 1):  # each order as often
                workdir = Path(work) / f"{pair}-{workers}"
                workdir.mkdir()
                bench = bm.Bench(args.bootstrap, workdir, args.partitions, 600)
                phase = f"stable_group_{workers}_workers"
                rate, _secs = bench.scaling(values, workers, phase=phase, **env)
                cpu = bench.cpu[phase]
                got[workers] = rate, {"us_per_post": cpu["workers_us_per_post"],
                                      **cpu["threads_us_per_post"]}
                print(f"pair {pair} workers {workers}: {rate:,.0f} posts/s, workers "
                      f"{cpu['workers']:.2f} cores, {cpu['workers_us_per_post']:.0f} us/post, "
                      f"broker {cpu.get('broker', float('nan')):.2f} cores, "
                      f"bench {cpu['bench']:.2f} cores", flush=True)
                print(f"    CPU per post by thread: {cpu['threads_us_per_post']}", flush=True)
                print(f"    event loops, shares of the time: {cpu['event_loop']}", flush=True)
                for line in bm.batch_lines(bench.batches[phase]):
                    print(line, flush=True)
            ratios.append({"posts_per_s": got[2][0] / got[1][0]}
                          | {k: v / got[1][1][k] for k, v in got[2][1].items() if got[1][1].get(k)})
        print(f"medians over {len(ratios)} pairs, two workers over one:")
        for key in ratios[0]:
            values = [r[key] for r in ratios if key in r]
            print(f"    {key:>12}: {statistics.median(values):.2f} x (from {min(values):.2f} "
                  f"to {max(values):.2f})")


if __name__ == "__main__":
    main()
