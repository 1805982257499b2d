"""``deinfluence bench``: the pipeline against Quix Streams, naive Faust and the raw client.

Every phase runs on the same broker and the same generated posts, on topics reset
beforehand. Throughput definition (the same for the three stream jobs): the job starts
with the whole backlog already in its input topic; ``t0`` is the first sign of output
(the job's "first message" mark, or for the pipeline the earliest record timestamp of
``posts.classified``), ``t1`` is the first poll (every 0.2 s) at which the job's consumer
group has committed every offset of every topic it consumes (for the pipeline:
``posts.raw``, ``deinfluence.routed`` and ``deinfluence.partials``, so the roll-up state
holds every post; for Quix also its repartition topics). Rate = posts / (t1 - t0).
Commits happen every second, so t1 is late by up to ~1.2 s (rates are slightly low).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from argparse import Namespace
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from deinfluence import benchlatency
from deinfluence.benchkafka import (
    REPO,
    BenchError,
    Child,
    GroupProgress,
    end_offsets,
    first_timestamp,
    jit_cpu_seconds,
    last_timestamp,
    local_broker_pid,
    loop_schedstat,
    proc_cpu_seconds,
    produce,
    python_child,
    reset_topics,
    thread_cpu_seconds,
    wait,
)
from deinfluence.streams import topics

BENCH_TOPIC = "bench.posts"
QUIX_OUT, FAUST_OUT = "bench.quix.counts", "bench.faust.counts"
PASS_OUT = "bench.passthrough"  # the pass-through phase's copy of each post
# the re-reading consumers (raw consume, pass-through): at the end of each pass the broker held
# their fetch for fetch.wait.max.ms (librdkafka's default 500) before the next pass could start,
# about 0.5 s of every 100,000-post pass (session 23)
PASS_FETCH_WAIT_MS = 10
# a broker is warm once its JIT compiler takes less than this while posts flow (Bench.warm_broker)
WARM_JIT_CORES = 0.05
LATENCY_UPDATE_INTERVAL = 1.0  # seconds between non-final updates in the latency phase
KEYS = ("posts_per_s", "posts_per_s_batched", "quix_posts_per_s", "faust_naive_posts_per_s",
        "raw_consume_posts_per_s", "p50_latency_s", "p99_latency_s", "peak_rss_mb")


def say(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def generate_posts(n: int, rate: float = 1000.0, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` generated posts at ``rate`` posts per simulated second (the event-time density)."""
    from deinfluence.cli.generate_cmd import build_generator

    args = Namespace(posts=n, rate=rate, start=None, seed=seed, scenario=None, labels=False,
                     brands=None, quiet_demo=True, days=None)
    posts = list(build_generator(args)[0].posts())
    return [posts[i % len(posts)] | {"post_id": f"b{i}"} for i in range(n)]  # exactly n


def warm_up(bootstrap: str, work: Path, partitions: int, values: Sequence[tuple[bytes, bytes]],
            max_rounds: int, **worker_env: str) -> None:
    """:meth:`Bench.warm_broker` in ``work/warmup``, for a script that measures several runs
    of its own (nothing when ``max_rounds`` is 0)."""
    if max_rounds > 0:
        (work / "warmup").mkdir()
        Bench(bootstrap, work / "warmup", partitions, 900).warm_broker(values, max_rounds, **worker_env)


def encode_posts(posts: Sequence[Mapping[str, Any]]) -> list[tuple[bytes, bytes]]:
    """``(key, value)`` of each post, one post per message: encoded ahead of a measured
    phase, so that the phase's clock and CPU figures hold the producing, not the encoding."""
    return [(p["post_id"].encode(), orjson.dumps(p)) for p in posts]


class Bench:
    def __init__(self, bootstrap: str, workdir: Path, partitions: int, timeout: float) -> None:
        self.bootstrap, self.workdir = bootstrap, workdir
        self.partitions, self.timeout = partitions, timeout
        self.port = int(os.environ.get("DEINFLUENCE_BENCH_WEB_PORT", "19320"))
        self.run_id = f"{int(time.time())}"
        # the broker's pid, for its CPU figures: found by its port when it runs on this machine
        self.broker_pid: int | None = local_broker_pid(bootstrap)
        self.cpu: dict[str, dict[str, float]] = {}  # phase -> CPU cores used by each process
        # phase -> posts / (last - first record timestamp of posts.classified): the classify
        # stage's own rate, without the 1-3 s of offset-commit lag that ends a tracked run
        self.classified_span: dict[str, float] = {}
        # phase -> per stage: partition batches run by all workers and messages per batch
        # (see batches())
        self.batches: dict[str, dict[str, dict[str, float]]] = {}

    # -- helpers ---------------------------------------------------------------
    def _track(self, child: Child, progress: GroupProgress, first: Any, n: int,
               what: str) -> tuple[float, float]:
        """Wait until the group caught up; returns (posts/s, seconds)."""
        try:
            def done() -> bool:
                child.check()
                return progress.caught_up()
            t1 = wait(done, self.timeout, f"{what} to consume {n} posts", step=0.2)
        finally:
            progress.close()
        t0 = first()
        return n / max(1e-6, t1 - t0), t1 - t0

    def worker(self, tag: str, **env: str) -> Child:
        app_id = f"bench-{tag}-{self.run_id}"
        base = {"DEINFLUENCE_BOOTSTRAP": self.bootstrap, "DEINFLUENCE_APP_ID": app_id,
                "DEINFLUENCE_DATA_DIR": str(self.workdir / app_id),
                "DEINFLUENCE_WEB_PORT": str(self.port), "DEINFLUENCE_LOG_LEVEL": "warning"}
        self.port += 1
        env = {**base, **env}
        child = python_child(["-m", "deinfluence", "worker"], env,
                             self.workdir / f"{app_id}.log")
        child.app_id = app_id  # type: ignore[attr-defined]
        child.web_port = int(env["DEINFLUENCE_WEB_PORT"])  # type: ignore[attr-defined]
        return child

    # -- phases ----------------------------------------------------------------
    def load(self, posts: list[dict[str, Any]], envelope: int | None) -> int:
        reset_topics(self.bootstrap, self.partitions, [BENCH_TOPIC, QUIX_OUT, FAUST_OUT, PASS_OUT])
        if envelope:
            chunks = [posts[i:i + envelope] for i in range(0, len(posts), envelope)]
            produce(self.bootstrap, topics.RAW, ((c[0]["post_id"].encode(), orjson.dumps(c))
                                                  for c in chunks))
        else:  # the single-post values serve both topics; an envelope load needs none of them
            single = encode_posts(posts)
            produce(self.bootstrap, topics.RAW, single)
            produce(self.bootstrap, BENCH_TOPIC, single)
        return len(posts)

    def pipeline(self, n: int, workers: int = 1, phase: str = "pipeline",
                 **worker_env: str) -> tuple[float, float, float]:
        """(posts/s, seconds, peak RSS MiB of the first worker) over the backlog; ``worker_env``:
        settings of the workers (``bench/batch_sizes.py``)."""
        children = self.group(workers, f"pipe{workers}", **worker_env)
        progress = self._progress(children)
        try:
            rate, secs = self._track(children[0], progress, n=n, what="the pipeline worker",
                                     first=lambda: first_timestamp(self.bootstrap, topics.CLASSIFIED))
            self._classified_span(phase, n)
            return rate, secs, children[0].peak_rss_mb()
        finally:
            for c in children:
                c.stop()

    def scaling(self, values: Sequence[tuple[bytes, bytes]], workers: int, phase: str | None = None,
                **worker_env: str) -> tuple[float, float]:
        """(posts/s, seconds) of ``workers`` workers whose group is stable before the posts
        arrive: the workers start on empty topics, the backlog (``values``, one post each,
        encoded by :func:`encode_posts` before the clock) is produced once every one of
        them is ready, so no rebalance falls inside the measured time (in :meth:`pipeline`, a
        second worker joining mid-run stops both for the rebalance).

        Also records in ``self.cpu`` the CPU cores the workers, the broker and this process
        (which produces the backlog) used from the start of producing to the end: on a
        machine of few cores their sum says whether a second worker had any core to use.
        ``workers_us_per_post`` (the workers' CPU per post) says whether each post cost
        more when two workers shared the machine. ``phase`` names the figures, the workers'
        group and their data dirs (default ``stable_group_{workers}_workers``); ``worker_env``:
        settings of the workers.
        """
        phase = phase or f"stable_group_{workers}_workers"
        with self.stable_group(workers, phase.replace("_", "-"), **worker_env) as children:
            batches_before = [batches(c) for c in children]
            before = self._cpu_now(children)
            threads_before = [thread_cpu_seconds(c.pid) for c in children]
            loops_before = [loop_schedstat(c.pid) for c in children]
            result = self.backlog(children, values)
            after = self._cpu_now(children)
            threads = [thread_cpu_seconds(c.pid) for c in children]
            loops = [loop_schedstat(c.pid) for c in children]
            self.batches[phase] = batches_delta(batches_before, [batches(c) for c in children])
            self._classified_span(phase, len(values))
            wall = after["wall"] - before["wall"]
            self.cpu[phase] = {
                k: round((after[k] - before[k]) / wall, 2) for k in before if k != "wall"
                } | {"seconds": round(wall, 1),
                     # what the workers spent per post, all threads: equal for one and two
                     # workers if a second worker costs nothing but its own share of the work
                     "workers_us_per_post": round((after["workers"] - before["workers"])
                                                  / len(values) * 1e6, 1),
                     # the same, by kind of thread: is it the event loop or the clients' threads
                     "threads_us_per_post": threads_delta(threads_before, threads, len(values)),
                     # where the event loops' wall time went: on a CPU, waiting for one
                     # (the machine is short of cores), or asleep (waiting on I/O)
                     "event_loop": loop_shares(loops_before, loops, wall)}
            return result

    @contextmanager
    def stable_group(self, workers: int, tag: str, **worker_env: str) -> Iterator[list[Child]]:
        """``workers`` workers of one new group (``tag`` names it and their data dirs) on
        reset topics, each ready, and still ready once the last join's rebalance settled;
        stopped on exit. A worker that dies fails the wait at once."""
        reset_topics(self.bootstrap, self.partitions)
        children = self.group(workers, tag, **worker_env)
        try:
            for _ in range(2):
                wait(lambda: all([self.ready(c) for c in children]), 120,
                     f"{workers} workers to be ready")
                time.sleep(3)
            yield children
        finally:
            for c in children:
                c.stop()

    def backlog(self, children: Sequence[Child],
                values: Sequence[tuple[bytes, bytes]]) -> tuple[float, float]:
        """(posts/s, seconds) of ``children`` (one group, from :meth:`stable_group`) over
        ``values`` (:func:`encode_posts`) produced one per message now."""
        progress = self._progress(children)
        produce(self.bootstrap, topics.RAW, values)
        return self._track(children[0], progress, n=len(values), what=f"{len(children)} workers",
                           first=lambda: first_timestamp(self.bootstrap, topics.CLASSIFIED))

    def warm_broker(self, values: Sequence[tuple[bytes, bytes]], max_rounds: int,
                    jit_cores: float = WARM_JIT_CORES, **worker_env: str) -> list[dict[str, Any]]:
        """Run one worker over ``values`` as :meth:`scaling` does, not counted, until the
        broker's JIT compiler used less than ``jit_cores`` cores while the posts flowed, at
        most ``max_rounds`` times. Returns each round's posts/s and JIT cores (``None`` for a
        broker that is not on this machine: its threads cannot be seen, so the first round
        is the last).

        Why: a broker that has just started compiles its hot paths for minutes of traffic.
        On this 2-core machine that took 0.11 to 0.45 cores during each of the first three
        400,000-post runs after a start (session 23), on the cores the workers need, and
        whichever phase ran first paid for it.
        """
        rounds: list[dict[str, Any]] = []
        for k in range(max_rounds):
            with self.stable_group(1, f"warmup{k}", **worker_env) as children:
                jit0, t0 = self._jit_seconds(), time.monotonic()
                rate, _secs = self.backlog(children, values)
                jit1, wall = self._jit_seconds(), time.monotonic() - t0
            cores = None if jit0 is None or jit1 is None else (jit1 - jit0) / max(1e-6, wall)
            rounds.append({"posts_per_s": round(rate),
                           "jit_cores": None if cores is None else round(cores, 3)})
            jit = "not visible (a remote broker)" if cores is None else f"{cores:.2f} cores"
            say(f"broker warm-up {k + 1}/{max_rounds}: {rate:,.0f} posts/s, the broker's JIT "
                f"compiler {jit}")
            if cores is None or cores < jit_cores:
                break
        return rounds

    def _jit_seconds(self) -> float | None:
        return None if self.broker_pid is None else jit_cpu_seconds(self.broker_pid)

    def group(self, workers: int, tag: str, **worker_env: str) -> list[Child]:
        """``workers`` started workers of one consumer group (``tag`` names it), each with a
        state dir of its own."""
        children = [self.worker(tag, **worker_env)]
        app_id = children[0].app_id  # type: ignore[attr-defined]
        for k in range(1, workers):
            children.append(self.worker(f"{tag}x{k}", **{**worker_env, "DEINFLUENCE_APP_ID": app_id,
                                        "DEINFLUENCE_DATA_DIR": str(self.workdir / f"{app_id}-{k}")}))
        return children

    def _progress(self, children: Sequence[Child]) -> GroupProgress:
        """The committed progress of ``children``'s group on every topic the pipeline reads."""
        internal = {topics.RAW, topics.ROUTED, topics.PARTIALS}
        return GroupProgress(self.bootstrap, children[0].app_id,  # type: ignore[attr-defined]
                             lambda t: t in internal)

    def ready(self, child: Child) -> bool:
        """Whether ``child`` answers ready on ``/health/ready`` (it is checked to be alive)."""
        child.check()
        return _ready(child)

    def _classified_span(self, phase: str, n: int) -> None:
        span = (last_timestamp(self.bootstrap, topics.CLASSIFIED)
                - first_timestamp(self.bootstrap, topics.CLASSIFIED))
        self.classified_span[phase] = n / max(1e-3, span)

    def _cpu_now(self, children: list[Child]) -> dict[str, float]:
        out = {"wall": time.monotonic(), "bench": _own_cpu(),
               "workers": sum(proc_cpu_seconds(c.pid) for c in children)}
        if self.broker_pid is not None:
            out["broker"] = proc_cpu_seconds(self.broker_pid)
        return out

    def job(self, name: str, script: str, python: str | None, n: int) -> tuple[float, float]:
        group = f"bench-{name}-{self.run_id}"
        mark = self.workdir / f"{group}.first"
        out = QUIX_OUT if name == "quix" else FAUST_OUT
        env = {"BENCH_BOOTSTRAP": self.bootstrap, "BENCH_GROUP": group, "BENCH_INPUT": BENCH_TOPIC,
               "BENCH_OUTPUT": out, "BENCH_MARK": str(mark),
               "BENCH_STATE_DIR": str(self.workdir / group), "BENCH_PARTITIONS": str(self.partitions)}
        child = python_child([str(REPO / "bench" / script)], env, self.workdir / f"{group}.log", python)
        keep = (lambda t: t == BENCH_TOPIC or t.startswith("repartition")) if name == "quix" else (
            lambda t: t == BENCH_TOPIC)
        progress = GroupProgress(self.bootstrap, group, keep)
        try:
            return self._track(child, progress, n=n, what=name,
                               first=lambda: float(mark.read_text().strip()))
        finally:
            child.stop()

    def _reread(self, what: str, n: int, min_seconds: float,
                max_rounds: int) -> Iterator[list[Any]]:
        """Read ``bench.posts`` (``n`` posts) from its start, again and again (assigned, no
        consumer group), until ``min_seconds`` have passed since its first message or
        ``max_rounds`` passes are done; yields each ``consume`` call's messages without errors
        (passes = messages // ``n``).

        The broker holds each fetch :data:`PASS_FETCH_WAIT_MS`: with librdkafka's default (500
        ms) the fetch in flight at each pass's end held up the next pass that long.

        Raises:
            BenchError: a pass was not read in full within the bench's timeout.
        """
        from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

        c = Consumer({"bootstrap.servers": self.bootstrap, "group.id": f"bench-{what}-{self.run_id}",
                      "enable.auto.commit": False, "fetch.wait.max.ms": PASS_FETCH_WAIT_MS})
        count, rounds, t0 = 0, 0, None
        deadline = time.monotonic() + self.timeout
        try:
            parts = c.list_topics(BENCH_TOPIC, timeout=30).topics[BENCH_TOPIC].partitions
            while rounds < max_rounds and (t0 is None or time.time() - t0 < min_seconds):
                c.assign([TopicPartition(BENCH_TOPIC, q, OFFSET_BEGINNING) for q in parts])
                rounds += 1
                while count < rounds * n:
                    if time.monotonic() > deadline:
                        raise BenchError(f"{what}: {count:,} of {rounds * n:,} messages read in "
                                         f"{self.timeout:.0f} s")
                    msgs = [m for m in c.consume(10_000, 0.5) if not m.error()]
                    if msgs and t0 is None:
                        t0 = time.time()
                    count += len(msgs)
                    yield msgs
        finally:
            c.close()

    def raw_consume(self, n: int, min_seconds: float = 3.0,
                    max_rounds: int = 200) -> tuple[float, float, int]:
        """A bare confluent-kafka consumer reading ``bench.posts`` (``n`` posts) and doing
        nothing: (posts/s, seconds, passes).

        The topic is read from its start again until the reading has lasted ``min_seconds``
        (:meth:`_reread`): one pass of 100,000 posts takes 0.1 to 0.2 s here, and such a
        single pass read 469,650 to 1,488,714 posts/s between runs (session 23). The clock
        starts at the first message.
        """
        count, t0 = 0, None
        with closing(self._reread("raw-consume", n, min_seconds, max_rounds)) as passes:
            for msgs in passes:
                if msgs and t0 is None:
                    t0 = time.time()
                count += len(msgs)
        secs = time.time() - (t0 or time.time())
        return count / max(1e-6, secs), secs, count // n

    def passthrough(self, n: int, min_seconds: float = 3.0, max_rounds: int = 10) -> dict[str, float]:
        """The Kafka clients' floor for this pipeline's per-post path: read ``bench.posts``
        and write each message, unchanged, as one record (the contract's one
        ``posts.classified`` record per post), with the worker's producer settings (``acks``
        all, idempotent) and a delivery report per record; no decoding, no processing.

        The topic is read from its start again until the run has lasted ``min_seconds``
        (:meth:`_reread`): one pass of 100,000 posts takes about a second, too short
        for the broker's CPU, read from ``/proc``, to settle. The producer has its
        idempotent producer id before the clock starts.

        Returns posts/s (first message read to last acknowledgement), the posts and rounds,
        and the CPU per post of this process (all its threads) and of the broker, when its
        pid is known.
        """
        from confluent_kafka import Producer

        from deinfluence.streams.output import PRODUCER_DEFAULTS

        p = Producer({**PRODUCER_DEFAULTS, "bootstrap.servers": self.bootstrap})
        p.produce(PASS_OUT, b"warm-up")  # connects and acquires the producer id
        if p.flush(30):
            raise BenchError("pass-through: the producer could not reach the broker")
        acked, failed = [0], [0]

        def report(err: Any, _msg: Any) -> None:
            if err is None:
                acked[0] += 1
            else:
                failed[0] += 1

        def send(m: Any) -> None:
            while True:
                try:
                    p.produce(PASS_OUT, m.value(), m.key(), on_delivery=report)
                    return
                except BufferError:  # the bounded queue is full: serve reports
                    p.poll(0.005)

        sent, t0 = 0, None
        cpu0 = broker0 = 0.0
        deadline = time.monotonic() + self.timeout
        try:
            with closing(self._reread("pass-through", n, min_seconds, max_rounds)) as passes:
                for msgs in passes:
                    if msgs and t0 is None:
                        t0, cpu0 = time.time(), _own_cpu()
                        broker0 = proc_cpu_seconds(self.broker_pid) if self.broker_pid else 0.0
                    for m in msgs:
                        send(m)
                    sent += len(msgs)
                    p.poll(0)
            while acked[0] + failed[0] < sent and time.monotonic() < deadline:
                p.poll(0.05)
            secs = time.time() - (t0 or time.time())
            cpu = _own_cpu() - cpu0
            broker = (proc_cpu_seconds(self.broker_pid) - broker0) if self.broker_pid else None
        finally:
            p.flush(10)
        if failed[0] or acked[0] < sent:
            raise BenchError(f"pass-through: {acked[0]:,} of {sent:,} records "
                             f"acknowledged, {failed[0]:,} failed")
        out = {"posts_per_s": sent / max(1e-6, secs), "seconds": secs, "posts": sent,
               "rounds": sent // n, "client_us_per_post": cpu / sent * 1e6}
        if broker is not None:
            out["broker_us_per_post"] = broker / sent * 1e6
        return out

    def latency(self, posts: list[dict[str, Any]], rate: float, duration: float,
                hops: bool = False, **worker_env: str) -> dict[str, Any]:
        """The latency phase; the result's ``latency_cpu`` holds the worker's (and a local
        broker's) cores and CPU per post while posts flow (:func:`benchlatency.cpu_figures`).
        ``worker_env``: settings of the worker over the phase's own (``bench/cpu_by_rate.py``)."""
        reset_topics(self.bootstrap, self.partitions)
        child = self.worker("lat", **{"DEINFLUENCE_UPDATE_INTERVAL": str(LATENCY_UPDATE_INTERVAL),
                                      **worker_env})

        def probe() -> dict[str, float]:
            now = self._cpu_now([child])
            return {k: v for k, v in now.items() if k in ("workers", "broker")}

        try:
            wait(lambda: (child.check(), _ready(child))[1], 120, "the latency worker to be ready")
            time.sleep(2)
            result = benchlatency.measure(self.bootstrap, posts, rate, duration, hops=hops,
                                          cpu_probe=probe)
            result["latency_worker_rss_mb"] = child.peak_rss_mb()
            return result
        finally:
            child.stop()


def batches(child: Child) -> dict[str, tuple[float, float, float]]:
    """:func:`parse_batches` of a running worker's ``/metrics``; empty if it cannot be read."""
    try:
        return parse_batches(_get(child, "/metrics", 5).decode())
    except Exception:  # a figure of the report, never a reason to lose the run
        return {}


def parse_batches(text: str) -> dict[str, tuple[float, float, float]]:
    """Per stage, from a worker's metrics text: (batches, messages, seconds).

    ``batches`` and ``messages`` are the count and sum of ``deinfluence_batch_posts``: one
    observation per partition per round of the stage (``streams.agents``), of its posts for
    ``classify`` and of its routed or partials messages for ``combine`` and ``rollup``.
    ``seconds`` is the sum of ``deinfluence_stage_duration_seconds`` of the stage's own timed
    steps, wall time: ``decode`` and ``publish`` (timed in more than one stage) count in none,
    and a step that awaits the broker includes what other tasks ran meanwhile. The row ``gc``
    is the cyclic GC's (collections, 0, seconds), all generations (``streams.gctime``)."""
    from prometheus_client.parser import text_string_to_metric_families

    out: dict[str, list[float]] = {}
    step_stage = {"classify": "classify", "preaggregate": "combine", "merge": "rollup",
                  "trends": "rollup"}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if family.name == "deinfluence_batch_posts" and s.name.endswith(("_count", "_sum")):
                row = out.setdefault(s.labels["agent"], [0.0, 0.0, 0.0])
                row[0 if s.name.endswith("_count") else 1] += s.value
            elif family.name == "deinfluence_stage_duration_seconds" and s.name.endswith("_sum"):
                stage = step_stage.get(s.labels["stage"])
                if stage is not None:
                    out.setdefault(stage, [0.0, 0.0, 0.0])[2] += s.value
            elif family.name in ("deinfluence_gc_collections", "deinfluence_gc_seconds"):
                # not a stage: the cyclic GC's collections (all generations) and their time
                row = out.setdefault("gc", [0.0, 0.0, 0.0])
                row[0 if family.name.endswith("collections") else 2] += s.value
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def _summed_deltas(before: list[Mapping[str, Sequence[float]]],
                   after: list[Mapping[str, Sequence[float]]]) -> dict[str, list[float]]:
    """Per key, ``after[i][key] - before[i][key]`` (element-wise) summed over the workers i;
    a key missing from ``before[i]`` counts from zero."""
    total: dict[str, list[float]] = {}
    for b, a in zip(before, after, strict=True):
        for key, values in a.items():
            old = b.get(key, (0.0,) * len(values))
            row = total.setdefault(key, [0.0] * len(values))
            for j, (v, o) in enumerate(zip(values, old, strict=True)):
                row[j] += v - o
    return total


def batches_delta(before: list[dict[str, tuple[float, float, float]]],
                  after: list[dict[str, tuple[float, float, float]]]) -> dict[str, dict[str, float]]:
    """Per stage, summed over the workers (``before[i]`` and ``after[i]`` are worker i's
    :func:`batches`): ``batches`` (one per partition per round), ``per_batch`` (messages per
    batch) and ``ms_per_batch`` (the stage's timed steps per batch, see :func:`parse_batches`)."""
    return {stage: {"batches": int(n), "per_batch": round(msgs / n, 1) if n else 0.0,
                    "ms_per_batch": round(secs / n * 1e3, 2) if n else 0.0}
            for stage, (n, msgs, secs) in sorted(_summed_deltas(before, after).items())}


def threads_delta(before: list[dict[str, float]], after: list[dict[str, float]],
                  posts: int) -> dict[str, float]:
    """Microseconds of CPU per post by kind of thread, summed over the workers (``before[i]``
    and ``after[i]`` are worker i's :func:`thread_cpu_seconds`); kinds under 0.5 us are left
    out."""
    total = _summed_deltas([{k: (v,) for k, v in b.items()} for b in before],
                           [{k: (v,) for k, v in a.items()} for a in after])
    per_post = {k: v / max(1, posts) * 1e6 for (k, (v,)) in total.items()}
    return {k: round(us, 1) for k, us in sorted(per_post.items(), key=lambda kv: -kv[1])
            if us >= 0.5}


def batch_lines(rows: Mapping[str, Mapping[str, float]]) -> list[str]:
    """A phase's partition batches per stage (:attr:`Bench.batches`), a line each, as the
    bench scripts print them."""
    return [_batch_line(stage, row) for stage, row in rows.items()]


def _batch_line(stage: str, row: Mapping[str, float]) -> str:
    n, ms = row["batches"], row["ms_per_batch"]
    if stage == "gc":  # not a stage: the cyclic GC's collections (see parse_batches)
        return f"    {stage:>8}: {n:>6} collections, {ms:>7.2f} ms each, {n * ms / 1e3:.2f} s in all"
    return (f"    {stage:>8}: {n:>6} batches, {row['per_batch']:>8.1f} messages per batch, "
            f"{ms:>7.2f} ms per batch")


def loop_shares(before: Sequence[tuple[float, float] | None], after: Sequence[tuple[float, float] | None],
                wall: float) -> dict[str, float]:
    """The workers' event loops over ``wall`` seconds, as shares of it averaged over the
    workers: ``on_cpu``, ``runqueue`` (runnable, waiting for a CPU) and ``sleeping`` (the
    rest); ``{}`` when any worker has no :func:`~deinfluence.benchkafka.loop_schedstat`."""
    pairs = list(zip(before, after, strict=True))
    if not pairs or wall <= 0 or any(b is None or a is None for b, a in pairs):
        return {}
    on_cpu = sum(a[0] - b[0] for b, a in pairs) / len(pairs) / wall  # type: ignore[index]
    runqueue = sum(a[1] - b[1] for b, a in pairs) / len(pairs) / wall  # type: ignore[index]
    return {"on_cpu": round(on_cpu, 2), "runqueue": round(runqueue, 2),
            "sleeping": round(max(0.0, 1 - on_cpu - runqueue), 2)}


def _own_cpu() -> float:
    """CPU-seconds of this process, all threads."""
    times = os.times()
    return times.user + times.system


def _get(child: Child, path: str, timeout: float) -> bytes:
    """The body of ``path`` on a worker's own HTTP port (health, metrics)."""
    import urllib.request

    url = f"http://127.0.0.1:{child.web_port}{path}"  # type: ignore[attr-defined]
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return bytes(r.read())


def _ready(child: Child) -> bool:
    try:
        return bool(json.loads(_get(child, "/health/ready", 2)).get("ready"))
    except OSError:
        return False


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("faust-streaming", "aiokafka", "confluent-kafka", "polars", "orjson", "uvloop"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "absent"
    out["kafka"] = os.environ.get("DEINFLUENCE_KAFKA_VERSION", "4.4.0")
    return out


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "?")
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gib": round(mem / 2**20, 1),
            "load_avg_at_start": os.getloadavg()[0]}


def end_count(bootstrap: str, topic: str) -> int:
    return sum(end_offsets(bootstrap, topic).values())
