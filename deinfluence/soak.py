"""``deinfluence soak``: one worker under a steady load for a long time (a benchmark, not CI).

Posts are produced at a steady ``rate`` (``created_at`` = now) to ``posts.raw`` while a
real ``deinfluence worker`` child process runs. Every ``interval`` seconds one sample
(:class:`Sample`) records the worker's RSS (``VmRSS``), the consumer lag of its group on
the three topics it consumes, the posts produced so far, and the produce-to-aggregate
latencies (as in :mod:`deinfluence.benchlatency`: a few posts per second carry a hashtag
of their own) of the samples whose first aggregate arrived during that interval.
A worker that exits is restarted with the same group and counted (it should not happen).

The pure parts (statistics, CSV, summary) are at the top; the Kafka parts below them; the
plot is in :mod:`deinfluence.soakplot`.
"""

from __future__ import annotations

import csv
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from deinfluence.benchkafka import BenchError, Child, proc_memory_mib, python_child, wait
from deinfluence.streams import topics

LAG_TOPICS = (topics.RAW, topics.ROUTED, topics.PARTIALS)
SAMPLES_PER_S = 2  # latency samples (unique hashtags) per second of production
DRAIN_S = 30.0  # after production stops, how long to wait for the last latency samples


def say(msg: str) -> None:
    import sys

    print(f"soak: {msg}", file=sys.stderr, flush=True)


# -- pure parts ----------------------------------------------------------------------


@dataclass
class Sample:
    """One row of the soak CSV (lag is end offset minus committed offset, summed per topic)."""

    elapsed_s: float
    posts: int
    rss_mib: float
    lag_raw: int
    lag_routed: int
    lag_partials: int
    latency_n: int = 0
    latency_p50_s: float = math.nan
    latency_p99_s: float = math.nan
    latency_pending: int = 0
    restarts: int = 0
    load1: float = 0.0
    state_keys: int = 0  # the worker's deinfluence_state_keys gauge summed over tables (0: unknown)

    @property
    def lag_total(self) -> int:
        return self.lag_raw + self.lag_routed + self.lag_partials


COLUMNS = [f.name for f in fields(Sample)]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile by rank (the same definition as ``deinfluence bench``); NaN if empty.

    >>> percentile([3.0, 1.0, 2.0], 0.5)
    2.0
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def slope_per_hour(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of ``ys`` over ``xs`` (seconds), per hour; NaN under 2 points."""
    n = len(xs)
    if n < 2:
        return math.nan
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return math.nan
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / sxx * 3600.0


def second_half_slope(rows: Sequence[Sample]) -> float:
    """RSS slope in MiB per hour over the second half of the run (the warm-up left out)."""
    if not rows:
        return math.nan
    half = rows[-1].elapsed_s / 2
    kept = [r for r in rows if r.elapsed_s >= half and r.rss_mib > 0]
    return slope_per_hour([r.elapsed_s for r in kept], [r.rss_mib for r in kept])


def summarize(rows: Sequence[Sample], latencies: Sequence[float], *, duration: float, rate: float,
              interval: float, missing: int) -> dict[str, Any]:
    """The summary JSON of a run: RSS start/peak/end/slope, lag, latency, restarts, load."""
    rss = [r.rss_mib for r in rows if r.rss_mib > 0]
    loads = [r.load1 for r in rows]
    last = rows[-1] if rows else None
    return {
        "duration_s": duration, "rate_posts_per_s": rate, "sample_interval_s": interval,
        "samples": len(rows), "samples_expected": int(duration // interval),
        "posts": last.posts if last else 0,
        "posts_per_s_achieved": (last.posts / last.elapsed_s) if last and last.elapsed_s else 0.0,
        "rss_start_mib": rss[0] if rss else math.nan, "rss_peak_mib": max(rss, default=math.nan),
        "rss_end_mib": rss[-1] if rss else math.nan,
        "rss_slope_mib_per_hour": second_half_slope(rows),
        "lag_max": max((r.lag_total for r in rows), default=0),
        "lag_max_per_topic": {t: max((getattr(r, f"lag_{t}") for r in rows), default=0)
                              for t in ("raw", "routed", "partials")},
        "lag_end": last.lag_total if last else 0,
        "latency_p50_s": percentile(latencies, 0.50), "latency_p99_s": percentile(latencies, 0.99),
        "latency_max_s": max(latencies, default=math.nan),
        "latency_samples": len(latencies), "latency_missing": missing,
        "restarts": last.restarts if last else 0,
        "state_keys_end": last.state_keys if last else 0,
        "load1_min": min(loads, default=math.nan), "load1_mean": sum(loads) / len(loads) if loads else math.nan,
        "load1_max": max(loads, default=math.nan),
    }


class CsvLog:
    """The samples CSV, flushed row by row so that an interrupted run keeps what it measured."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("w", newline="")
        self.writer = csv.DictWriter(self.file, COLUMNS)
        self.writer.writeheader()

    def write(self, row: Sample) -> None:
        self.writer.writerow({k: (round(v, 4) if isinstance(v, float) else v)
                              for k, v in asdict(row).items()})
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def read_csv(path: Path) -> list[Sample]:
    """The rows written by :class:`CsvLog`."""
    types = {f.name: f.type for f in fields(Sample)}
    with path.open(newline="") as f:
        records = list(csv.DictReader(f))
    parsed: list[dict[str, Any]] = [{k: (int(v) if types[k] == "int" else float(v)) for k, v in rec.items()}
                                    for rec in records]
    return [Sample(**rec) for rec in parsed]


def progress_line(row: Sample, duration: float) -> str:
    lat = (f"p50 {row.latency_p50_s:.2f} p99 {row.latency_p99_s:.2f} s (n={row.latency_n})"
           if row.latency_n else f"no sample completed (pending {row.latency_pending})")
    return (f"{row.elapsed_s:6.0f}/{duration:.0f} s  posts {row.posts:,}  rss {row.rss_mib:.1f} MiB  "
            f"lag raw={row.lag_raw} routed={row.lag_routed} partials={row.lag_partials}  "
            f"latency {lat}  state keys {row.state_keys:,}  restarts {row.restarts}  load {row.load1:.1f}")


def rss_mib(pid: int) -> float:
    """``VmRSS`` of a process in MiB (0 when it is gone)."""
    return proc_memory_mib(pid, "VmRSS")


def parse_state_keys(metrics: str) -> int:
    """Sum of the ``deinfluence_state_keys`` samples in a Prometheus text exposition.

    >>> parse_state_keys('# TYPE deinfluence_state_keys gauge\\ndeinfluence_state_keys{table="a"} 3.0\\n'
    ...                  'deinfluence_state_keys{table="b"} 4.0\\n')
    7
    """
    return int(sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                   if line.startswith("deinfluence_state_keys{") or line.startswith("deinfluence_state_keys ")))


# -- Kafka parts -------------------------------------------------------------------


class LagProbe:
    """End offsets minus the group's committed offsets, summed per topic."""

    def __init__(self, bootstrap: str, group: str) -> None:
        from confluent_kafka import Consumer

        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                                  "enable.auto.commit": False})

    def lag(self) -> dict[str, int]:
        from confluent_kafka import TopicPartition

        meta = self.consumer.list_topics(timeout=10).topics
        tps = [TopicPartition(t, p) for t in LAG_TOPICS if t in meta for p in meta[t].partitions]
        out = dict.fromkeys(LAG_TOPICS, 0)
        for tp in self.consumer.committed(tps, timeout=10):
            low, high = self.consumer.get_watermark_offsets(TopicPartition(tp.topic, tp.partition),
                                                            timeout=10)
            done = tp.offset if tp.offset >= 0 else low  # nothing committed yet: all unread
            out[tp.topic] += max(0, high - done)
        return out

    def close(self) -> None:
        self.consumer.close()


@dataclass
class SupervisedWorker:
    """A ``deinfluence worker`` child, restarted with the same group when it exits."""

    bootstrap: str
    workdir: Path
    web_port: int
    update_interval: float
    app_id: str = field(default_factory=lambda: f"soak-{int(time.time())}")
    restarts: int = 0
    child: Child | None = None

    def start(self) -> None:
        env = {"DEINFLUENCE_BOOTSTRAP": self.bootstrap, "DEINFLUENCE_APP_ID": self.app_id,
               "DEINFLUENCE_DATA_DIR": str(self.workdir / self.app_id),
               "DEINFLUENCE_WEB_PORT": str(self.web_port), "DEINFLUENCE_LOG_LEVEL": "warning",
               "DEINFLUENCE_UPDATE_INTERVAL": str(self.update_interval)}
        self.child = python_child(["-m", "deinfluence", "worker"], env,
                                  self.workdir / f"{self.app_id}.log")

    def ensure_alive(self) -> None:
        assert self.child is not None
        if not self.child.alive():
            say(f"worker pid {self.child.pid} exited with {self.child.proc.returncode}; restarting")
            self.restarts += 1
            self.start()

    def ready(self) -> bool:
        import json
        import urllib.request

        assert self.child is not None
        self.child.check()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/health/ready", timeout=2) as r:
                return bool(json.loads(r.read()).get("ready"))
        except OSError:
            return False

    def state_keys(self) -> int:
        """The keys in the worker's state tables (its ``deinfluence_state_keys`` gauge); 0 if unknown."""
        import urllib.request

        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/metrics", timeout=2) as r:
                return parse_state_keys(r.read().decode())
        except OSError:
            return 0

    def rss(self) -> float:
        return rss_mib(self.child.pid) if self.child else 0.0

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()


class LatencyLedger:
    """Sent times of the latency samples; which of them completed since the last look."""

    def __init__(self, seen: dict[str, float]) -> None:
        self.seen = seen  # filled by an AggregateWatcher thread
        self.pending: dict[str, float] = {}
        self.done: list[float] = []

    def sent(self, tag: str) -> None:
        self.pending[tag] = time.time()

    def collect(self) -> list[float]:
        """Latencies of the samples completed since the previous call."""
        new = [(tag, self.seen[tag] - t0) for tag, t0 in list(self.pending.items()) if tag in self.seen]
        for tag, _ in new:
            del self.pending[tag]
        lat = [v for _, v in new]
        self.done.extend(lat)
        return lat


@dataclass
class SoakRun:
    """Production at a steady rate with a sample every ``interval`` seconds."""

    bootstrap: str
    worker: SupervisedWorker
    posts: Sequence[dict[str, Any]]
    rate: float
    duration: float
    interval: float
    on_sample: Callable[[Sample], None]
    rows: list[Sample] = field(default_factory=list)

    def run(self) -> tuple[list[Sample], LatencyLedger]:
        from confluent_kafka import Producer

        from deinfluence.benchlatency import AggregateWatcher

        watcher = AggregateWatcher(self.bootstrap)
        watcher.start()
        watcher.ready.wait(10)
        ledger = LatencyLedger(watcher.seen)
        probe = LagProbe(self.bootstrap, self.worker.app_id)
        producer = Producer({"bootstrap.servers": self.bootstrap, "linger.ms": 5})
        try:
            self._produce(producer, probe, ledger)
            if producer.flush(60) != 0:
                raise BenchError("could not deliver every post to posts.raw")
            deadline = time.monotonic() + DRAIN_S
            while ledger.pending and time.monotonic() < deadline:
                time.sleep(0.5)
                ledger.collect()
        finally:
            watcher.stopping.set()
            watcher.join(10)
            probe.close()
        return self.rows, ledger

    def _produce(self, producer: Any, probe: LagProbe, ledger: LatencyLedger) -> None:
        every = max(1, int(self.rate / SAMPLES_PER_S))
        total = int(self.duration * self.rate)
        start = time.monotonic()
        next_sample, i = self.interval, 0
        while next_sample <= self.duration + 1e-9:  # the last sample is taken at `duration`
            elapsed = time.monotonic() - start
            due = min(total, int(elapsed * self.rate))
            now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
            while i < due:
                post = dict(self.posts[i % len(self.posts)], post_id=f"soak-{i}", created_at=now)
                if i % every == 0:
                    tag = f"benchlat{i}"
                    post["hashtags"] = [*(post.get("hashtags") or []), tag]
                    ledger.sent(tag)
                _send(producer, orjson.dumps(post), post["post_id"].encode())
                i += 1
            producer.poll(0)
            if elapsed >= next_sample:
                self._sample(next_sample, i, probe, ledger)
                next_sample += self.interval
            time.sleep(0.005)

    def _sample(self, at: float, posts: int, probe: LagProbe, ledger: LatencyLedger) -> None:
        self.worker.ensure_alive()
        lat = ledger.collect()
        lag = probe.lag()
        row = Sample(elapsed_s=at, posts=posts, rss_mib=self.worker.rss(), lag_raw=lag[topics.RAW],
                     lag_routed=lag[topics.ROUTED], lag_partials=lag[topics.PARTIALS],
                     latency_n=len(lat), latency_p50_s=percentile(lat, 0.5),
                     latency_p99_s=percentile(lat, 0.99), latency_pending=len(ledger.pending),
                     restarts=self.worker.restarts, load1=os.getloadavg()[0],
                     state_keys=self.worker.state_keys())
        self.rows.append(row)
        self.on_sample(row)


def _send(producer: Any, value: bytes, key: bytes) -> None:
    while True:
        try:
            producer.produce(topics.RAW, value, key)
            return
        except BufferError:
            producer.poll(0.05)


def wait_ready(worker: SupervisedWorker, timeout: float = 120.0) -> None:
    wait(worker.ready, timeout, "the soak worker to be ready", step=0.5)
