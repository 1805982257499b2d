"""One worker on a backlog at several ``DEINFLUENCE_BATCH_SIZE`` values, alternating (not a test).

    python bench/batch_sizes.py [--posts N] [--sizes 2000,10000] [--reps K] [--envelope E]
                                [--pipeline] [--bootstrap HOST:PORT]
                                [--vary DEINFLUENCE_NAME=a,b] [--warmup K]

``--vary`` alternates the values of another worker setting instead of the batch size
(``--vary DEINFLUENCE_NATIVE_DECODE=false,true``). Each repetition runs every value once, in
order, and odd repetitions in the reverse order, so that the machine's drift from minute to
minute, within a repetition as well as between them, falls on all of them alike. Default: the
bench's stable-group phase (``Bench.scaling``, the worker ready before the posts arrive, one
post per message) on 400,000 posts; with ``--pipeline`` or ``--envelope``, the ``posts_per_s``
phase (``Bench.pipeline``, the backlog written first), which also gives the worker's peak RSS. Printed per run: posts/s, the worker's
CPU per post and its event loop's shares, and per stage the partition batches it ran. Before
the first run, up to ``--warmup`` uncounted runs warm the broker (``Bench.warm_broker``).

The topics are reset, as in ``deinfluence bench``: never point it at a broker whose topics
matter.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from deinfluence import benchmark as bm
from deinfluence.benchkafka import add_warmup_option

PHASE = "stable_group_1_workers"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=400_000)
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--sizes", default="2000,10000", help="comma-separated batch sizes")
    which.add_argument("--vary", default=None, help="NAME=a,b: alternate this worker setting instead")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--envelope", type=int, default=None, help="posts per envelope (implies --pipeline)")
    ap.add_argument("--pipeline", action="store_true", help="the posts_per_s phase instead")
    ap.add_argument("--bootstrap", default="127.0.0.1:19310")
    ap.add_argument("--partitions", type=int, default=4)
    add_warmup_option(ap)
    args = ap.parse_args()
    name, _, listed = (args.vary or f"DEINFLUENCE_BATCH_SIZE={args.sizes}").partition("=")
    if not name.startswith("DEINFLUENCE_") or not listed:
        ap.error("--vary takes DEINFLUENCE_NAME=a,b")
    choices = listed.split(",")
    posts = bm.generate_posts(args.posts)
    pipeline = args.pipeline or bool(args.envelope)
    encoded = None if pipeline else bm.encode_posts(posts)
    with tempfile.TemporaryDirectory(prefix="batch-sizes-") as work:
        bm.warm_up(args.bootstrap, Path(work), args.partitions,  # at the setting's first value
                   encoded or bm.encode_posts(posts), args.warmup, **{name: choices[0]})
        for rep in range(args.reps):
            for value in choices if rep % 2 == 0 else choices[::-1]:  # each order as often
                workdir = Path(work) / f"{rep}-{choices.index(value)}"  # a value may be a path
                workdir.mkdir()
                bench = bm.Bench(args.bootstrap, workdir, args.partitions, 900)
                if pipeline:
                    bench.load(posts, args.envelope)
                    rate, secs, rss = bench.pipeline(args.posts, **{name: value})
                    print(f"rep {rep} {name} {value}: {rate:,.0f} posts/s ({secs:.1f} s), "
                          f"peak RSS {rss:.0f} MiB", flush=True)
                    continue
                assert encoded is not None
                rate, secs = bench.scaling(encoded, 1, phase=PHASE, **{name: value})
                cpu = bench.cpu[PHASE]
                print(f"rep {rep} {name} {value}: {rate:,.0f} posts/s ({secs:.1f} s), "
                      f"{cpu['workers_us_per_post']:.1f} us/post, cores: worker {cpu['workers']}, "
                      f"broker {cpu['broker']}, event loop {cpu['event_loop']}",
                      flush=True)
                for line in bm.batch_lines(bench.batches[PHASE]):
                    print(line, flush=True)


if __name__ == "__main__":
    main()
