"""Any split of the input into partitions and batches, re-deliveries and restarts give
the same aggregates as one backfill pass: the merge is idempotent, commutative, associative."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from deinfluence.processors.ingest import Item, PartitionIngest
from deinfluence.processors.pipeline import PipelineConfig
from deinfluence.processors.rollup import PartitionRollup, SourceReport
from deinfluence.schemas.aggregate import kafka_key

CFG = PipelineConfig.parse("5m,1h/15m", grace="10m")
T0 = 1_793_000_000_000 - 1_793_000_000_000 % 3_600_000
BRANDS = ["dyson", "shark", "stanley", "owala"]
TAGS = ["deinfluencing", "skip", "haul", "returnedit"]


def make_posts(seed: int, n: int) -> list[tuple[dict, int]]:
    rnd = random.Random(seed)
    posts, t = [], T0
    for _ in range(n):
        t += rnd.randint(0, 40_000)
        ts = max(T0, t - rnd.randint(0, 500_000))  # disorder within the 10 minute grace
        stance = rnd.choice(["deinfluencing", "promoting", "neutral"])
        brands = rnd.sample(BRANDS, rnd.randint(0, 2))
        post = {
            "post_id": f"p{rnd.randint(0, n)}",  # some duplicates on purpose
            "stance": stance, "targets": {b: rnd.choice(["deinfluencing", "promoting"]) for b in brands},
            "hashtags": rnd.sample(TAGS, rnd.randint(0, 2)), "sponsored": rnd.random() < 0.2,
            "reasons": ["price"] if stance == "deinfluencing" else [],
            "metrics": {"views": rnd.randint(0, 1000)},
        }
        posts.append((post, ts))
    return posts


def run_single(posts) -> dict[str, dict]:
    ingest = PartitionIngest(0, {}, CFG.ingest)
    rollup = PartitionRollup(0, {}, CFG.ingest, CFG.windows)
    items = [Item(i, p, ts) for i, (p, ts) in enumerate(posts)]
    res = ingest.process(items)
    ingest.commit(res)
    latest: dict[str, dict] = {}
    collect(latest, rollup.step([SourceReport(0, res.through, res.watermark, False, 1, res.partials)]))
    collect(latest, rollup.step([SourceReport(0, res.through, res.watermark, True, 1, [])]))
    for rec in rollup.take_pending():
        latest[kafka_key(rec)] = rec
    return latest


def collect(latest, out) -> None:
    for rec in out.final + out.corrections:
        latest[kafka_key(rec)] = rec


def run_partitioned(posts, seed: int, partitions: int, crash: bool) -> dict[str, dict]:
    """Posts hashed by post_id to partitions, random batches, reports shuffled and re-sent."""
    rnd = random.Random(seed)
    parts: list[list[Item]] = [[] for _ in range(partitions)]
    for post, ts in posts:
        p = hash(post["post_id"]) % partitions
        parts[p].append(Item(len(parts[p]), post, ts))
    stores = [{} for _ in range(partitions)]
    reports: list[SourceReport] = []
    for p, items in enumerate(parts):
        fold = PartitionIngest(p, stores[p], CFG.ingest)
        i = 0
        while i < len(items):
            j = i + rnd.randint(1, 40)
            res = fold.process(items[i:j])
            reports.append(SourceReport(p, res.through, res.watermark, False, partitions, res.partials))
            if crash and rnd.random() < 0.3:
                # crash before the progress marker: state survives, the batch is re-delivered
                # from a different start with a different batch boundary
                fold = PartitionIngest(p, stores[p], CFG.ingest)
                i = max(0, i - rnd.randint(0, 5))
                continue
            fold.commit(res)
            i = j
        reports.append(SourceReport(p, fold.progress_through(), fold.watermark(), True, partitions, []))
    idle = [r for r in reports if r.idle]
    busy = [r for r in reports if not r.idle]
    rnd.shuffle(busy)  # reports of different sources interleave arbitrarily...
    busy.sort(key=lambda r: r.source)  # ...but one source's reports keep their order
    rnd.shuffle(busy)
    busy += rnd.sample(busy, len(busy) // 4)  # re-deliveries
    rollup = PartitionRollup(0, {}, CFG.ingest, CFG.windows)
    latest: dict[str, dict] = {}
    step = 0
    while step < len(busy):
        n = rnd.randint(1, 10)
        collect(latest, rollup.step(busy[step:step + n]))
        step += n
    collect(latest, rollup.step(idle))
    for rec in rollup.take_pending():
        latest[kafka_key(rec)] = rec
    return latest


def counts_only(latest: dict[str, dict]) -> dict[str, tuple]:
    return {k: tuple(v[f] for f in ("posts", "deinfluencing", "promoting", "neutral", "views",
                                    "sponsored")) for k, v in latest.items()}


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 300), st.integers(1, 8), st.booleans())
def test_partitioned_batched_replayed_equals_single_pass(seed, n, partitions, crash):
    posts = make_posts(seed, n)
    assert counts_only(run_partitioned(posts, seed, partitions, crash)) == counts_only(run_single(posts))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 300), st.integers(1, 8))
def test_final_flags_converge_once_every_source_is_idle(seed, n, partitions):
    posts = make_posts(seed, n)
    assert run_partitioned(posts, seed, partitions, crash=False) == run_single(posts)


def test_duplicate_post_ids_are_counted_once():
    post = {"post_id": "x", "stance": "deinfluencing", "targets": {}, "hashtags": []}
    latest = run_single([(post, T0 + 1000), (dict(post), T0 + 2000)])
    assert latest[f"all|all|5m|{_iso(T0)}"]["posts"] == 1


def _iso(ms: int) -> str:
    from deinfluence.processors.windows import rfc3339

    return rfc3339(ms)
