"""``deinfluence soak``: one worker under a steady load for a long time, with RSS, consumer lag
and produce-to-aggregate latency sampled at a fixed interval (a benchmark, not CI)."""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path
from typing import Any

SOAK_PORT = 19350
CSV_NAME, SUMMARY_NAME, PLOT_NAME = "soak.csv", "soak-summary.json", "soak.png"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "soak", help="run one worker at a steady rate for a long time; record RSS, lag and latency",
        description="Starts its own broker (or uses --bootstrap, whose topics it DELETES) and a "
        "worker, produces posts at a steady rate and samples the worker's RSS, its group's "
        f"consumer lag and produce-to-aggregate latency; writes {CSV_NAME}, {SUMMARY_NAME} and "
        f"{PLOT_NAME} into --out.")
    p.add_argument("--duration", type=float, default=1800.0, help="seconds of production (default 1800)")
    p.add_argument("--rate", type=float, default=200.0,
                   help="posts per second, steady, created_at = now (default 200, about a third of "
                   "the single-worker throughput `deinfluence bench` measured)")
    p.add_argument("--sample-interval", type=float, default=5.0, help="seconds between samples (default 5)")
    p.add_argument("--out", type=Path, default=Path(".local/soak"), help="output directory (default .local/soak)")
    p.add_argument("--partitions", type=int, default=4, help="partitions per topic (default 4)")
    p.add_argument("--update-interval", type=float, default=1.0,
                   help="the worker's DEINFLUENCE_UPDATE_INTERVAL (default 1, as in bench's latency phase)")
    p.add_argument("--bootstrap", help="use this broker instead of starting one (topics are reset!)")
    p.add_argument("--port", type=int, default=SOAK_PORT, help=f"own broker port (default {SOAK_PORT}; "
                   "the controller takes port+1)")
    p.add_argument("--web-port", type=int, default=SOAK_PORT + 10,
                   help=f"the worker's metrics/health port (default {SOAK_PORT + 10})")
    p.add_argument("--replot", action="store_true",
                   help="only redraw the plot from --out's CSV and summary, run nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deinfluence import soak, soakplot

    out = args.out.resolve()
    if args.replot:
        summary = json.loads((out / SUMMARY_NAME).read_text())
        soakplot.plot(soak.read_csv(out / CSV_NAME), out / PLOT_NAME, summary)
        soak.say(f"wrote {out / PLOT_NAME}")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    summary = measure(args, out)
    (out / SUMMARY_NAME).write_text(json.dumps(_finite(summary), indent=2) + "\n")
    try:
        soakplot.plot(soak.read_csv(out / CSV_NAME), out / PLOT_NAME, summary)
    except soakplot.PlotUnavailableError as exc:
        soak.say(f"no plot: {exc}")
    soak.say(f"wrote {out / CSV_NAME}, {out / SUMMARY_NAME} and {out / PLOT_NAME}")
    print(json.dumps(_finite(summary), indent=2))
    return 0


def measure(args: argparse.Namespace, out: Path) -> dict[str, Any]:
    from deinfluence import benchmark as bm
    from deinfluence import localkafka, soak
    from deinfluence.benchkafka import reset_topics

    data_dir = out / "kafka"
    own = args.bootstrap is None
    if own:
        soak.say(f"starting a broker on port {args.port} ({data_dir})")
        bootstrap = localkafka.start(data_dir, args.port, heap="1g").bootstrap
    else:
        bootstrap = args.bootstrap
    machine, started = bm.machine(), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    worker = soak.SupervisedWorker(bootstrap, out / "work", args.web_port, args.update_interval)
    log = soak.CsvLog(out / CSV_NAME)
    try:
        reset_topics(bootstrap, args.partitions)
        (out / "work").mkdir(exist_ok=True)
        worker.start()
        soak.wait_ready(worker)
        time.sleep(2)
        soak.say(f"worker pid {worker.child.pid if worker.child else '?'} ready; producing "
                 f"{args.rate:g} posts/s for {args.duration:g} s, a sample every {args.sample_interval:g} s")

        def on_sample(row: soak.Sample) -> None:
            log.write(row)
            soak.say(soak.progress_line(row, args.duration))

        run = soak.SoakRun(bootstrap, worker, bm.generate_posts(2000), args.rate, args.duration,
                           args.sample_interval, on_sample)
        rows, ledger = run.run()
    finally:
        log.close()
        worker.stop()
        if own:
            soak.say("stopping the broker")
            localkafka.stop(data_dir)
    summary = soak.summarize(rows, ledger.done, duration=args.duration, rate=args.rate,
                             interval=args.sample_interval, missing=len(ledger.pending))
    return {**summary, "started_utc": started, "partitions": args.partitions,
            "update_interval_s": args.update_interval, "worker_settings": worker_settings(),
            "machine": machine, "versions": bm.versions()}


def worker_settings() -> dict[str, str]:
    """The ``DEINFLUENCE_*`` variables the worker inherits (how a run was configured), no secrets."""
    return {k: v for k, v in sorted(os.environ.items())
            if k.startswith("DEINFLUENCE_") and "PASSWORD" not in k and "SHARED_DATA" not in k}


def _finite(value: Any) -> Any:
    """NaN (nothing measured) becomes null: JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value
