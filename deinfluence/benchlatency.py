"""Produce-to-aggregate latency of the running pipeline at a steady rate.

Posts are produced at ``rate`` posts/s with ``created_at`` = now. A few posts per second
(the samples) carry a hashtag of their own (``benchlatNNN``); the latency of a sample is
the time from just before its ``produce()`` call to the moment a reader of
``deinfluence.aggregates`` (started at the topic's end before producing) receives the
first aggregate record of key ``hashtag|benchlatNNN`` (any window, final or not).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from confluent_kafka import OFFSET_END, TIMESTAMP_CREATE_TIME, Consumer, Producer, TopicPartition

from deinfluence.streams import topics

SAMPLES_PER_S = 5


class AggregateWatcher(threading.Thread):
    """Records the first arrival time of each ``benchlat*`` hashtag aggregate."""

    def __init__(self, bootstrap: str) -> None:
        super().__init__(daemon=True)
        self.seen: dict[str, float] = {}
        self.created: dict[str, float] = {}  # key -> CreateTime of that first record (s)
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-latency",
                                  "enable.auto.commit": False, "fetch.wait.max.ms": 10})
        parts = self.consumer.list_topics(topics.AGGREGATES, timeout=10).topics[topics.AGGREGATES]
        self.consumer.assign([TopicPartition(topics.AGGREGATES, p, OFFSET_END)
                              for p in parts.partitions])

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                for msg in self.consumer.consume(500, 0.05):
                    self.ready.set()
                    if msg.error() or not msg.key() or b"|benchlat" not in msg.key():
                        continue
                    rec = orjson.loads(msg.value())
                    if rec.get("key_type") == "hashtag" and rec["key"] not in self.seen:
                        kind, ms = msg.timestamp()
                        if kind == TIMESTAMP_CREATE_TIME:  # before ``seen``: summary reads both
                            self.created[rec["key"]] = ms / 1000
                        self.seen[rec["key"]] = time.time()
                self.ready.set()
        finally:
            self.consumer.close()


HOPS = ("raw->routed", "routed->partials", "partials->aggregate", "aggregate->read")


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ascending ``ordered`` (non-empty), nearest rank below."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class HopWatcher(threading.Thread):
    """Where each sample's latency goes: the CreateTime of the first routed and partials
    records that carry it (the worker's ``produce()`` call of each stage). Reads every
    record of both topics, so it loads the machine a little: for diagnosis
    (``bench/latency_hops.py``), not in ``deinfluence bench``."""

    def __init__(self, bootstrap: str) -> None:
        super().__init__(daemon=True)
        self.routed: dict[str, float] = {}  # sample tag -> CreateTime (s)
        self.partials: dict[str, float] = {}
        self.stopping = threading.Event()
        self.ready = threading.Event()  # the first fetch returned: the end offsets are resolved
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-latency-hops",
                                  "enable.auto.commit": False, "fetch.wait.max.ms": 10})
        assign = []
        for topic in (topics.ROUTED, topics.PARTIALS):
            parts = self.consumer.list_topics(topic, timeout=10).topics[topic].partitions
            assign += [TopicPartition(topic, p, OFFSET_END) for p in parts]
        self.consumer.assign(assign)

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                for msg in self.consumer.consume(1000, 0.05):
                    self.ready.set()
                    value = msg.value()
                    kind, ms = msg.timestamp()
                    if (msg.error() or not value or b"benchlat" not in value
                            or kind != TIMESTAMP_CREATE_TIME):
                        continue
                    at = ms / 1000
                    doc = orjson.loads(value)
                    if msg.topic() == topics.ROUTED:
                        for _event_ms, post in doc["posts"]:
                            for tag in post.get("hashtags") or ():
                                if tag.startswith("benchlat"):
                                    self.routed.setdefault(tag, at)
                    else:
                        for key, _pane, _counts in doc["partials"]:
                            if key.startswith("hashtag|benchlat"):
                                self.partials.setdefault(key.split("|", 1)[1], at)
                self.ready.set()
        finally:
            self.consumer.close()

    def summary(self, sent: dict[str, float], watcher: AggregateWatcher) -> dict[str, dict[str, float]]:
        """p50 / p99 / max of each hop over the samples seen at every step (``samples``)."""
        rows = []
        for tag, t0 in sent.items():  # the watcher's keys are the hashtags themselves
            if tag in self.routed and tag in self.partials and tag in watcher.created:
                rows.append((self.routed[tag] - t0, self.partials[tag] - self.routed[tag],
                             watcher.created[tag] - self.partials[tag],
                             watcher.seen[tag] - watcher.created[tag]))
        out = {}
        for j, hop in enumerate(HOPS):
            v = sorted(r[j] for r in rows)
            if v:
                out[hop] = {"p50": percentile(v, 0.50), "p99": percentile(v, 0.99),
                            "max": v[-1], "samples": len(v)}
        return out


def measure(bootstrap: str, posts: Sequence[dict[str, Any]], rate: float, duration: float,
            drain: float = 30.0, hops: bool = False,
            cpu_probe: Callable[[], Mapping[str, float]] | None = None) -> dict[str, Any]:
    """Produce at ``rate`` for ``duration`` seconds; p50/p99 of the samples' latencies
    (``hops``: also ``latency_hops``, where the time goes, see :class:`HopWatcher`).

    ``cpu_probe``: returns CPU-seconds per process (e.g. ``workers``, ``broker``); it is
    read once a third of the way in (at most 5 s: past the first batches) and again when
    producing stops, and ``latency_cpu`` holds each process's cores and microseconds per
    post over that steady span (:func:`cpu_figures`).
    """
    watcher = AggregateWatcher(bootstrap)
    watcher.start()
    watcher.ready.wait(10)
    hop_watcher = HopWatcher(bootstrap) if hops else None
    if hop_watcher is not None:
        hop_watcher.start()
        hop_watcher.ready.wait(10)
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    sent: dict[str, float] = {}
    every = max(1, int(rate / SAMPLES_PER_S))
    start = time.monotonic()
    i = 0
    warm = min(5.0, duration / 3)
    steady: tuple[float, int, Mapping[str, float]] | None = None
    while (elapsed := time.monotonic() - start) < duration:
        if cpu_probe is not None and steady is None and elapsed >= warm:
            steady = (time.monotonic(), i, cpu_probe())
        due = int(elapsed * rate)
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        while i < due:
            post = dict(posts[i % len(posts)])
            post["post_id"] = f"lat-{i}"
            post["created_at"] = now
            tag = None
            if i % every == 0:
                tag = f"benchlat{i}"
                post["hashtags"] = [*(post.get("hashtags") or []), tag]
                sent[tag] = time.time()
            producer.produce(topics.RAW, orjson.dumps(post), post["post_id"].encode())
            i += 1
        producer.poll(0)
        time.sleep(0.005)
    cpu = ({} if steady is None or cpu_probe is None
           else {"latency_cpu": cpu_figures(steady, (time.monotonic(), i, cpu_probe()))})
    producer.flush(30)
    deadline = time.monotonic() + drain
    while len(watcher.seen.keys() & sent.keys()) < len(sent) and time.monotonic() < deadline:
        time.sleep(0.2)
    watcher.stopping.set()
    watcher.join(10)
    hop_figures = {}
    if hop_watcher is not None:
        hop_watcher.stopping.set()
        hop_watcher.join(10)
        hop_figures = {"latency_hops": hop_watcher.summary(sent, watcher)}
    lat = sorted(watcher.seen[t] - sent[t] for t in sent if t in watcher.seen)
    if not lat:
        return {"p50_latency_s": float("nan"), "p99_latency_s": float("nan"),
                "latency_samples": 0, "latency_missing": len(sent), "latency_rate": rate}
    return {"p50_latency_s": percentile(lat, 0.50), "p99_latency_s": percentile(lat, 0.99),
            "latency_samples": len(lat),
            "latency_missing": len(sent) - len(lat), "latency_rate": rate,
            "latency_posts": i} | hop_figures | cpu


def cpu_figures(first: tuple[float, int, Mapping[str, float]],
                last: tuple[float, int, Mapping[str, float]]) -> dict[str, Any]:
    """Cores and microseconds of CPU per post of each probed process between two
    ``(monotonic time, posts produced, CPU-seconds per process)`` readings.

    Example:
        >>> cpu_figures((0.0, 0, {"workers": 1.0}), (10.0, 20_000, {"workers": 6.0}))
        {'span_s': 10.0, 'posts': 20000, 'workers': {'cores': 0.5, 'us_per_post': 250.0}}
    """
    span, posts = last[0] - first[0], last[1] - first[1]
    out: dict[str, Any] = {"span_s": round(span, 3), "posts": posts}
    for name in sorted(first[2].keys() & last[2].keys()):
        used = last[2][name] - first[2][name]
        out[name] = {"cores": round(used / span, 3) if span > 0 else float("nan"),
                     "us_per_post": round(used / posts * 1e6, 1) if posts else float("nan")}
    return out
