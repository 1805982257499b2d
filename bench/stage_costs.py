"""Per-post CPU of each step of the classify and combine stages, in one process, no Kafka.

    python bench/stage_costs.py [POSTS] [python]

The worker runs these same calls per micro-batch (``streams/agents.py``); what the worker
spends beyond their sum is Faust, asyncio and the Kafka clients. The cyclic GC runs with the
worker's thresholds (``streams.worker.GC_THRESHOLDS``): with CPython's defaults its
collections, charged to whichever step allocated, made this sum 51 us per post instead of 29
(mostly in ``decode_routed`` and ``prepare_batch``).

glibc gives the top of this process's heap back after each step's batch is freed, so the next
batch's buffers fault their pages in again: "classified records" read 6.5 us per post, and
2.0 to 2.6 with ``MALLOC_TOP_PAD_=16777216`` in the environment (session 23). The worker does not
pay that (0.14 to 0.16 minor faults per post in a stable-group run, and the same setting did not
change its rate): run with that variable for the worker's figures.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import time
from collections import defaultdict
from collections.abc import Iterator

import orjson

from deinfluence import benchmark as bm
from deinfluence.components import make_classifier, pipeline_config
from deinfluence.processors.batch import prepare_batch
from deinfluence.processors.classify import Classifier
from deinfluence.processors.combine import CombineFold
from deinfluence.processors.rollup import SourceReport
from deinfluence.processors.source import SourceFold, routed_post
from deinfluence.settings import Settings
from deinfluence.streams import bundles
from deinfluence.streams.metrics import WorkerMetrics
from deinfluence.streams.worker import GC_THRESHOLDS


def main(n: int, batch: int = 2000, fast: bool = True) -> None:
    gc.set_threshold(*GC_THRESHOLDS)  # as run_worker does
    settings = Settings()
    cfg = pipeline_config(settings)
    classifier: Classifier = make_classifier(settings)
    values = [orjson.dumps(p) for p in bm.generate_posts(n)]
    spent: dict[str, float] = defaultdict(float)
    source = SourceFold(0, {}, cfg.eventtime)
    combine = CombineFold(0, {}, cfg.eventtime)
    metrics = WorkerMetrics(process_metrics=False)

    @contextlib.contextmanager
    def timed(step: str) -> Iterator[None]:
        t = time.perf_counter()
        yield
        spent[step] += time.perf_counter() - t

    for routed_offset, start in enumerate(range(0, n, batch)):
        messages = list(enumerate(values[start:start + batch], start))
        with timed("decode+classify (prepare_batch)"):
            prepared = prepare_batch(messages, cfg.limits, classifier, "posts.raw", 0,
                                     1_800_000_000_000, fast=fast)
        with timed("source fold"):
            result = source.process(prepared.items, prepared.through)
            source.commit(result)
        with timed("classified records (orjson.dumps)"):
            [orjson.dumps(it.post) for it in prepared.items]
        with timed("metrics.classified"):
            metrics.classified(it.post for it in prepared.items)
        with timed("routed_post"):
            posts = [(it.event_ms, routed_post(it.post)) for it in result.routed]
        with timed("route_posts"):
            parts = bundles.route_posts(posts, 8)
        with timed("encode_routed"):
            encoded = [bundles.encode_routed(0, result.watermark, False, 1, p) for p in parts]
        # one combine partition gets 1/8 of the posts: its costs are scaled by 8 below
        with timed("decode_routed"):
            decoded = [bundles.decode_routed(routed_offset, encoded[0])]
        with timed("combine fold (x8)"):
            res = combine.process(decoded)
            combine.commit(res)
        with timed("split+encode report (x8)"):
            report = SourceReport(0, res.through, res.watermark, False, 8, res.partials)
            [bundles.encode_report(p) for p in bundles.split_report(report, 8)]
    for step in ("decode_routed", "combine fold (x8)", "split+encode report (x8)"):
        spent[step] *= 8
    total = sum(spent.values())
    for step, secs in spent.items():
        print(f"{step:40s} {secs / n * 1e6:7.2f} us/post")
    print(f"{'total':40s} {total / n * 1e6:7.2f} us/post  ({n / total:,.0f} posts/s)")


if __name__ == "__main__":
    # python bench/stage_costs.py [POSTS] [python]: "python" decodes without the native fast path
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40_000, fast=sys.argv[2:3] != ["python"])
