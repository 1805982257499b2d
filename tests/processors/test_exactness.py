"""Any split of the input into partitions and batches, re-deliveries and restarts give
the same aggregates as one backfill pass: the folds are idempotent and their merges
commutative and associative."""

from __future__ import annotations

import random
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from deinfluence.processors.combine import CombineFold, RoutedBatch
from deinfluence.processors.eventtime import Item
from deinfluence.processors.pipeline import PipelineConfig
from deinfluence.processors.rollup import PartitionRollup, SourceReport
from deinfluence.processors.source import SourceFold
from deinfluence.schemas.aggregate import kafka_key

CFG = PipelineConfig.parse("5m,1h/15m", grace="10m")
ET = CFG.eventtime
T0 = 1_793_000_000_000 - 1_793_000_000_000 % 3_600_000
BRANDS = ["dyson", "shark", "stanley", "owala"]
TAGS = ["deinfluencing", "skip", "haul", "returnedit"]


def make_posts(seed: int, n: int) -> list[tuple[dict, int]]:
    rnd = random.Random(seed)
    posts, t = [], T0
    for i in range(n):
        if posts and rnd.random() < 0.1:  # a re-sent post: same content, any partition
            posts.append(rnd.choice(posts))
            continue
        t += rnd.randint(0, 40_000)
        ts = max(T0, t - rnd.randint(0, 500_000))  # disorder within the 10 minute grace
        stance = rnd.choice(["deinfluencing", "promoting", "neutral"])
        brands = rnd.sample(BRANDS, rnd.randint(0, 2))
        post = {
            "post_id": f"p{i}",
            "stance": stance, "targets": {b: rnd.choice(["deinfluencing", "promoting"]) for b in brands},
            "hashtags": rnd.sample(TAGS, rnd.randint(0, 2)), "sponsored": rnd.random() < 0.2,
            "reasons": ["price"] if stance == "deinfluencing" else [], "views": rnd.randint(0, 1000),
        }
        posts.append((post, ts))
    return posts


class Changelog(dict):
    """A store whose un-acknowledged writes can be lost, as a changelog partition loses its
    tail on a crash: what survives is always a prefix of the writes."""

    _MISSING = object()

    def __init__(self) -> None:
        super().__init__()
        self.undo: list[tuple[str, object]] = []

    def __setitem__(self, key, value) -> None:
        self.undo.append((key, self.get(key, self._MISSING)))
        super().__setitem__(key, value)

    def __delitem__(self, key) -> None:
        self.undo.append((key, self.get(key, self._MISSING)))
        super().__delitem__(key)

    def pop(self, key, default=None):
        if key in self:
            value = self[key]
            del self[key]
            return value
        return default

    def checkpoint(self) -> None:
        self.undo.clear()

    def crash(self, rnd: random.Random) -> None:
        keep = rnd.randint(0, len(self.undo))
        for key, old in reversed(self.undo[keep:]):
            if old is self._MISSING:
                super().pop(key, None)
            else:
                super().__setitem__(key, old)
        self.undo.clear()


def collect(latest, out) -> None:
    for rec in out.final + out.corrections:
        latest[kafka_key(rec)] = rec


def finish(rollup, latest) -> dict[str, dict]:
    for rec in rollup.take_pending():
        latest[kafka_key(rec)] = rec
    return latest


def run_single(posts) -> dict[str, dict]:
    source = SourceFold(0, {}, ET)
    combine = CombineFold(0, {}, ET)
    rollup = PartitionRollup(0, {}, ET, CFG.windows)
    latest: dict[str, dict] = {}
    res = source.process([Item(i, p, ts) for i, (p, ts) in enumerate(posts)], len(posts) - 1)
    routed = [RoutedBatch(0, 0, res.watermark, False, 1, [(it.event_ms, it.post) for it in res.routed]),
              RoutedBatch(1, 0, res.watermark, True, 1)]
    for batch in routed:
        comb = combine.process([batch])
        combine.commit(comb)
        collect(latest, rollup.step([SourceReport(0, comb.through, comb.watermark, False, 1, comb.partials)]))
        rollup.commit()
    return finish(rollup, latest)


def run_partitioned(posts, seed: int, raw_n: int, q_n: int, crash: bool) -> dict[str, dict]:
    """Posts spread over raw partitions at random (so duplicates cross partitions), random
    batches, restarts that re-deliver from before the last progress, shuffled re-sent reports."""
    rnd = random.Random(seed)
    raw: list[list[tuple[dict, int]]] = [[] for _ in range(raw_n)]
    for post, ts in posts:
        raw[rnd.randrange(raw_n)].append((post, ts))
    routed: list[list[tuple[int, int | None, bool, list]]] = [[] for _ in range(q_n)]  # per q
    for p, part in enumerate(raw):
        sstore = Changelog()
        fold, i = SourceFold(p, sstore, ET), 0
        while i < len(part):
            j = min(len(part), i + rnd.randint(1, 40))
            res = fold.process([Item(k, post, ts) for k, (post, ts) in enumerate(part[i:j], i)], j - 1)
            by_q: list[list] = [[] for _ in range(q_n)]
            for it in res.routed:
                by_q[zlib.crc32(it.post["post_id"].encode()) % q_n].append((it.event_ms, it.post))
            for q in range(q_n):
                routed[q].append((p, res.watermark, False, by_q[q]))
            if crash and rnd.random() < 0.3:
                sstore.crash(rnd)  # crashed before its progress: re-routed again
                fold = SourceFold(p, sstore, ET)
                continue
            fold.commit(res)
            sstore.checkpoint()
            i = j
        for q in range(q_n):
            routed[q].append((p, fold.watermark(), True, []))
    reports: list[SourceReport] = []
    for q in range(q_n):
        store = Changelog()
        msgs = [RoutedBatch(o, p, wm, idle, raw_n, ps) for o, (p, wm, idle, ps) in enumerate(routed[q])]
        fold, i = CombineFold(q, store, ET), 0
        while i < len(msgs):
            j = i + rnd.randint(1, 6)
            comb = fold.process(msgs[i:j])
            reports.append(SourceReport(q, comb.through, comb.watermark, False, q_n, comb.partials))
            if crash and rnd.random() < 0.3:
                store.crash(rnd)  # the changelog kept a prefix of the batch's writes
                fold = CombineFold(q, store, ET)  # restart: indexes rebuilt from the store
                continue
            fold.commit(comb)
            store.checkpoint()
            i = j
    by_source: dict[int, list[SourceReport]] = {}
    for rep in reports:
        by_source.setdefault(rep.source, []).append(rep)
    ordered: list[SourceReport] = []
    while any(by_source.values()):  # interleave sources, keep each source's order
        src = rnd.choice([s for s, reps in by_source.items() if reps])
        ordered.append(by_source[src].pop(0))
    ordered += rnd.sample(ordered, len(ordered) // 4)  # re-deliveries of stale cumulative values
    rstore: dict = {}
    rollup = PartitionRollup(0, rstore, ET, CFG.windows)
    latest: dict[str, dict] = {}
    i = 0
    while i < len(ordered):
        n = rnd.randint(1, 10)
        out = rollup.step(ordered[i:i + n])
        if crash and rnd.random() < 0.2:
            rollup = PartitionRollup(0, rstore, ET, CFG.windows)  # its records were never acked
            continue
        collect(latest, out)
        rollup.commit()
        i += n
    return finish(rollup, latest)


def counts_only(latest: dict[str, dict]) -> dict[str, tuple]:
    fields = ("posts", "deinfluencing", "promoting", "neutral", "views", "sponsored")
    return {k: tuple(v[f] for f in fields) for k, v in latest.items()}


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 300), st.integers(1, 6), st.integers(1, 4), st.booleans())
def test_partitioned_batched_replayed_equals_single_pass(seed, n, raw_n, q_n, crash):
    posts = make_posts(seed, n)
    assert counts_only(run_partitioned(posts, seed, raw_n, q_n, crash)) == counts_only(run_single(posts))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 300), st.integers(1, 6), st.integers(1, 4))
def test_final_flags_converge_once_every_source_is_idle(seed, n, raw_n, q_n):
    posts = make_posts(seed, n)
    assert run_partitioned(posts, seed, raw_n, q_n, crash=False) == run_single(posts)


def test_duplicate_post_ids_are_counted_once():
    post = {"post_id": "x", "stance": "deinfluencing", "targets": {}, "hashtags": [], "views": 3}
    latest = run_single([(post, T0 + 1000), (dict(post), T0 + 2000)])
    from deinfluence.processors.windows import rfc3339

    assert latest[f"all|all|5m|{rfc3339(T0)}"]["posts"] == 1
