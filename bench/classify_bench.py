"""Benchmark of the batch classification API (not a test): posts/s on one core, peak RSS.

Replicates the labeled dev set (``../shared/data/stance-dev.jsonl`` or
``$DEINFLUENCE_SHARED_DATA``) to ``--posts`` posts (default 1,000,000), classifies them in
micro-batches with ``RuleClassifier.classify_batch`` and prints the throughput of the
classification calls alone (building the input batches is not timed) and the peak RSS.

    python bench/classify_bench.py [--posts N] [--batch 2000] [--brands CATALOG]
                                   [--engine auto|native|python] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from deinfluence.processors.classify import ENGINES, RuleClassifier

REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    override = os.environ.get("DEINFLUENCE_SHARED_DATA")
    candidates = [Path(override)] if override else [p / "shared" / "data" for p in REPO.parents[:2]]
    for path in candidates:
        if (path / "stance-dev.jsonl").exists():
            return path
    sys.exit(f"stance-dev.jsonl not found in {candidates[0]}; set DEINFLUENCE_SHARED_DATA")


def load_posts(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{k: v for k, v in r.items() if k != "label"} for r in rows]


def run(posts_total: int, batch: int, catalog: Path | None, engine: str = "auto",
        fallback: str = "default") -> dict[str, Any]:
    data = shared_data()
    dev = load_posts(data / "stance-dev.jsonl")
    classifier = RuleClassifier(catalog or data / "brands-eval.yaml", engine=engine, fallback=fallback)
    classifier.classify_batch(dev)  # build the per-language indexes outside the timing
    source = cycle(dev)
    done = 0
    busy = cpu = 0.0
    while done < posts_total:
        n = min(batch, posts_total - done)
        chunk = [{**p, "post_id": f"{p['post_id']}-{done + i}"} for i, p in enumerate(islice(source, n))]
        start, start_cpu = time.perf_counter(), time.process_time()
        classifier.classify_batch(chunk)
        busy += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        done += n
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # CPU time is what one core spends; wall time also counts waiting for a busy machine
    return {"engine": classifier.engine, "fallback": fallback, "posts": done, "seconds": round(busy, 3), "cpu_seconds": round(cpu, 3),
            "posts_per_s": round(done / busy), "posts_per_cpu_s": round(done / cpu),
            "peak_rss_mib": round(peak_kib / 1024, 1), "load_average": os.getloadavg()[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--brands", type=Path, help="catalog (default: brands-eval.yaml)")
    parser.add_argument("--engine", choices=ENGINES, default="auto",
                        help="classifier engine (default: native when built)")
    parser.add_argument("--fallback", default="default",
                        help="learned fallback: default, off or a model file (processors/learned.py)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.posts, args.batch, args.brands, args.engine, args.fallback)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['engine']} engine, fallback {result['fallback']}: {result['posts']:,} posts in {result['seconds']:.2f} s wall / {result['cpu_seconds']:.2f} s CPU "
              f"of classify_batch: {result['posts_per_s']:,} posts/s wall, "
              f"{result['posts_per_cpu_s']:,} posts per CPU-second on one core; "
              f"peak RSS {result['peak_rss_mib']} MiB (load average {result['load_average']:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
