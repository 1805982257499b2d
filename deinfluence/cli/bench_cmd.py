"""``deinfluence bench``: throughput and latency of the pipeline beside Quix Streams,
a naive Faust agent and the bare client, on the real local broker (see docs/performance.md)."""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from deinfluence.benchkafka import REPO, add_warmup_option
from deinfluence.settings import load_settings

BENCH_PORT = 19310
QUIX_PYTHON = REPO / ".local" / "quix-venv" / "bin" / "python"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "bench", help="benchmark the pipeline against Quix Streams, naive Faust and raw consume",
        description="Starts its own broker (or uses --bootstrap, whose topics it DELETES) and "
        "measures posts/s of each job over the same backlog, then latency at half the rate.")
    p.add_argument("--posts", type=int, default=100_000,
                   help="backlog size (default 100,000: rates are measured between the first output "
                   "and the last commit, commits come every second, so short runs read low)")
    p.add_argument("--scaling-posts", type=int, default=None,
                   help="backlog of each stable-group phase, one and two workers (default 4 x "
                   "--posts: 100,000 posts lasted 3 to 5 s there, and their two-worker ratio moved "
                   "from 1.35 to 1.77 x between runs)")
    p.add_argument("--duration", type=float, default=30.0,
                   help="seconds of steady production in the latency phase (default 30)")
    p.add_argument("--rate", type=float, default=1000.0,
                   help="event-time density of the generated posts, posts per simulated second "
                   "(default 1000: a firehose; 0.1 is the demo's sparse stream)")
    p.add_argument("--envelope", type=int, default=250, help="posts per batch envelope (default 250)")
    p.add_argument("--partitions", type=int, default=4, help="partitions per topic (default 4)")
    p.add_argument("--json", type=Path, help="write the results here")
    p.add_argument("--bootstrap", help="use this broker instead of starting one (topics are reset!)")
    p.add_argument("--port", type=int, default=BENCH_PORT, help=f"own broker port (default {BENCH_PORT})")
    p.add_argument("--workdir", type=Path, default=Path(".local/bench"), help="logs and state")
    p.add_argument("--skip", default="", help="comma-separated phases to skip: quix,faust,two")
    p.add_argument("--timeout", type=float, default=300.0, help="max seconds per phase")
    add_warmup_option(p)
    p.set_defaults(func=run)


def scaling_posts(args: argparse.Namespace) -> int:
    """Posts in each stable-group phase's backlog: ``--scaling-posts``, or 4 x ``--posts``."""
    return args.scaling_posts if args.scaling_posts is not None else 4 * args.posts


def quix_python() -> str:
    """The interpreter of the Quix Streams venv (``$DEINFLUENCE_BENCH_QUIX_PYTHON`` or
    ``.local/quix-venv``, made by ``make bench-quix-venv``)."""
    return os.environ.get("DEINFLUENCE_BENCH_QUIX_PYTHON", str(QUIX_PYTHON))


# what bench/quix_job.py does first: a classifier with the packaged model, in that venv
_QUIX_PREFLIGHT = "from deinfluence.processors.classify import RuleClassifier; RuleClassifier()"


def check_quix_python(python: str, timeout: float = 120.0) -> None:
    """Fail before any broker starts when the Quix venv cannot build the job's classifier.

    The venv has its own copy of the native engine: after a change to it, a venv that was not
    rebuilt (``make bench-quix-venv``, which ``make bench`` runs) fails in its first line, and
    without this check that surfaced only after the pipeline phases, minutes later.

    Raises:
        BenchError: the interpreter is missing, or building the classifier failed (with the
            last line of its error).
    """
    import subprocess

    from deinfluence.benchkafka import BenchError

    hint = "run `make bench-quix-venv`, or --skip quix"
    if not Path(python).exists():
        raise BenchError(f"no Quix Streams venv at {python}: {hint}")
    try:
        done = subprocess.run([python, "-c", _QUIX_PREFLIGHT], capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"the Quix Streams venv ({python}) took over {timeout:.0f} s to build "
                         "the classifier") from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        last = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise BenchError(f"the Quix Streams venv ({python}) cannot build the classifier: {last}; "
                         f"it may hold an older build of the native engine: {hint}")


def run(args: argparse.Namespace) -> int:
    from deinfluence import benchmark as bm
    from deinfluence import localkafka

    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if "quix" not in skip:
        bm.say("checking the Quix Streams venv")
        check_quix_python(quix_python())
    workdir = args.workdir.resolve()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    own = args.bootstrap is None
    data_dir = workdir.parent / "bench-kafka"
    if own:
        bm.say(f"starting a broker on port {args.port} ({data_dir})")
        broker = localkafka.start(data_dir, args.port, heap="1g")
        bootstrap = broker.bootstrap
    else:  # a broker on this machine is found by its port (``Bench.broker_pid``)
        bootstrap = args.bootstrap
    results: dict[str, Any] = {"machine": bm.machine(), "versions": bm.versions(),
                               "posts": args.posts, "event_rate": args.rate, "partitions": args.partitions,
                               "envelope": args.envelope, "bootstrap": bootstrap,
                               "scaling_posts": scaling_posts(args)}
    started = time.monotonic()
    try:
        bench = bm.Bench(bootstrap, workdir, args.partitions, args.timeout)
        if own:
            bench.broker_pid = broker.pid
        phases(bench, args, skip, results)
    finally:
        if own:
            bm.say("stopping the broker")
            localkafka.stop(data_dir)
    results["total_seconds"] = round(time.monotonic() - started, 1)
    table(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
        bm.say(f"wrote {args.json}")
    return 0


def phases(bench: Any, args: argparse.Namespace, skip: set[str], out: dict[str, Any]) -> None:
    from deinfluence import benchmark as bm
    from deinfluence.benchmachine import two_process, two_process_scaling

    n = args.posts
    bm.say(f"generating {n:,} posts")
    posts = bm.generate_posts(n, args.rate)
    # the backlog of the warm-up and of the stable-group phases, one post per message
    scaling_n = scaling_posts(args)
    backlog: list[tuple[bytes, bytes]] = []
    if args.warmup > 0 or "two" not in skip:
        if scaling_n != n:
            bm.say(f"generating {scaling_n:,} posts for the warm-up and the stable-group phases")
        backlog = bm.encode_posts(posts if scaling_n == n else bm.generate_posts(scaling_n, args.rate))
    if args.warmup > 0:  # before any measured phase: a fresh broker's JIT takes cores for minutes
        out["broker_warmup"] = bench.warm_broker(backlog, args.warmup)
    bm.say("producing the single-post backlog (posts.raw and bench.posts)")
    bench.load(posts, None)

    out["raw_consume_posts_per_s"], secs, out["raw_consume_passes"] = bench.raw_consume(n)
    bm.say(f"raw consume: {out['raw_consume_posts_per_s']:,.0f} posts/s ({secs:.1f} s, "
           f"{out['raw_consume_passes']} passes over the topic)")
    floor = bench.passthrough(n)
    out["passthrough_posts_per_s"] = floor.pop("posts_per_s")
    out["passthrough_cpu"] = {k: round(v, 2) for k, v in floor.items()}
    bm.say(f"pass-through (read, write one acknowledged record per post, no processing): "
           f"{out['passthrough_posts_per_s']:,.0f} posts/s; CPU per post: "
           f"{out['passthrough_cpu']}")
    out["posts_per_s"], secs, out["peak_rss_mb"] = bench.pipeline(n, phase="single_posts")
    out["pipeline_seconds"] = secs
    bm.say(f"pipeline, one post per message: {out['posts_per_s']:,.0f} posts/s ({secs:.1f} s), "
           f"peak RSS {out['peak_rss_mb']:.0f} MiB")
    if "quix" not in skip:
        out["quix_posts_per_s"], secs = bench.job("quix", "quix_job.py", quix_python(), n)
        bm.say(f"quix streams: {out['quix_posts_per_s']:,.0f} posts/s ({secs:.1f} s)")
    if "faust" not in skip:
        out["faust_naive_posts_per_s"], secs = bench.job("faust", "faust_naive.py", None, n)
        bm.say(f"naive faust: {out['faust_naive_posts_per_s']:,.0f} posts/s ({secs:.1f} s)")

    bm.say(f"producing the batched backlog (envelopes of {args.envelope})")
    bench.load(posts, args.envelope)
    out["posts_per_s_batched"], secs, rss = bench.pipeline(n, phase="envelopes")
    out["peak_rss_mb"] = max(out["peak_rss_mb"], rss)
    bm.say(f"pipeline, batch envelopes: {out['posts_per_s_batched']:,.0f} posts/s ({secs:.1f} s)")
    if "two" not in skip:
        bench.load(posts, None)
        out["two_workers_posts_per_s"], secs, _ = bench.pipeline(n, workers=2, phase="two_workers_joining")
        bm.say(f"pipeline, two workers (the second joins mid-run): "
               f"{out['two_workers_posts_per_s']:,.0f} posts/s ({secs:.1f} s)")
        # scaling without a rebalance inside the measured time, at the default settings (the
        # in-memory store: no standby replicas, DEINFLUENCE_STANDBY_REPLICAS=auto), then the same
        # two workers with one standby replica each, what rocksdb:// gets by default: each worker
        # also replays the other's changelog records to keep a warm copy of its state, a cost a
        # single worker does not have (docs/performance.md, sessions 16 and 17)
        for workers, phase, standby, what in (
                (1, "stable_group_1_workers", "auto", "1 worker"),
                (2, "stable_group_2_workers", "auto", "2 workers"),
                (2, "stable_group_2_workers_standby", "1", "2 workers, one standby replica each,")):
            out[f"{phase}_posts_per_s"], secs = bench.scaling(
                backlog, workers, phase=phase, DEINFLUENCE_STANDBY_REPLICAS=standby)
            # what the workers ran with: they inherit this environment (DEINFLUENCE_STORE too)
            resolved = load_settings(standby_replicas=standby)
            out[f"{phase}_store"] = resolved.store
            out[f"{phase}_standby_replicas"] = resolved.standby_copies()
            out[f"{phase}_cpu_cores"] = bench.cpu.get(phase, {})
            out[f"{phase}_batches"] = bench.batches.get(phase, {})
            bm.say(f"pipeline, {what} ready before the posts arrive: "
                   f"{out[f'{phase}_posts_per_s']:,.0f} posts/s ({secs:.1f} s); CPU cores used: "
                   f"{out[f'{phase}_cpu_cores']}; partition batches per stage: "
                   f"{out[f'{phase}_batches']}")
        out["two_workers_scaling"] = (out["stable_group_2_workers_posts_per_s"]
                                      / out["stable_group_1_workers_posts_per_s"])
        out["two_workers_scaling_standby"] = (out["stable_group_2_workers_standby_posts_per_s"]
                                              / out["stable_group_1_workers_posts_per_s"])
        one_cpu = out["stable_group_1_workers_cpu_cores"]["workers_us_per_post"]
        two_cpu = out["stable_group_2_workers_cpu_cores"]["workers_us_per_post"]
        bm.say(f"workers' CPU per post: {one_cpu:.0f} us with one worker, {two_cpu:.0f} us "
               f"with two ({two_cpu / max(0.1, one_cpu):.2f} x)")
        # the ceiling of that ratio here: one CPU-bound loop in two processes against one
        out["machine_two_process_scaling"] = two_process_scaling()
        bm.say(f"two workers / one: {out['two_workers_scaling']:.2f} x, with a standby "
               f"replica each {out['two_workers_scaling_standby']:.2f} x; this machine's own "
               f"two-process ceiling (a CPU-bound loop, no Kafka): "
               f"{out['machine_two_process_scaling']:.2f} x")
        # the same question asked of the pipeline's own processors (their caches and memory);
        # a failure here costs this figure, not the run's others
        try:
            stages = out["machine_two_process_stages"] = two_process("stages")
            bm.say(f"the pipeline's processors in two processes, no Kafka: "
                   f"{stages['scaling']:.2f} x the work of one, each spending "
                   f"{stages['cpu_ratio']:.2f} x the CPU per post")
        except Exception as exc:
            out["machine_two_process_stages"] = {"error": str(exc)}
            bm.say(f"the pipeline's processors in two processes: not measured ({exc})")
    out["classified_span_posts_per_s"] = {k: round(v) for k, v in bench.classified_span.items()}
    bm.say(f"classify stage's own rate (first to last posts.classified record): "
           f"{out['classified_span_posts_per_s']}")

    rate = max(50.0, out["posts_per_s"] / 2)
    bm.say(f"latency: producing {rate:,.0f} posts/s for {args.duration:.0f} s")
    lat = bench.latency(posts, rate, args.duration)
    out.update(lat)
    out["peak_rss_mb"] = max(out["peak_rss_mb"], lat.get("latency_worker_rss_mb", 0.0))
    bm.say(f"latency p50 {lat['p50_latency_s']:.2f} s, p99 {lat['p99_latency_s']:.2f} s "
           f"({lat['latency_samples']} samples, {lat['latency_missing']} missing)")
    if "workers" in lat.get("latency_cpu", {}):
        w = lat["latency_cpu"]["workers"]
        bm.say(f"latency worker while posts flowed: {w['cores']:.2f} cores, "
               f"{w['us_per_post']:.0f} us of CPU per post")


def table(r: dict[str, Any]) -> None:
    from deinfluence.benchmark import KEYS

    rows = [(k, r.get(k)) for k in (*KEYS, "passthrough_posts_per_s", "two_workers_posts_per_s", "stable_group_1_workers_posts_per_s",
                                    "stable_group_2_workers_posts_per_s",
                                    "stable_group_2_workers_standby_posts_per_s")]
    width = max(len(k) for k, _ in rows)
    print(f"{'metric':<{width}}  value")
    for k, v in rows:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            text = "not measured"
        elif k.endswith("_s") and "latency" in k:
            text = f"{v:.3f}"
        else:
            text = f"{v:,.0f}"
        print(f"{k:<{width}}  {text}")
    sys.stdout.flush()
