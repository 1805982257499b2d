"""Real processes on the real broker: workers, producers and topic readers for the tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson
from confluent_kafka import Consumer, Producer, TopicPartition

from deinfluence import benchkafka
from deinfluence.streams import topics
from deinfluence.streams.agents import STALLED_EXIT_CODE

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reset_topics(bootstrap: str, partitions: int = 8) -> None:
    """Delete every non-internal topic and create the pipeline's topics afresh."""
    benchkafka.reset_topics(bootstrap, partitions)


class Worker:
    """One ``deinfluence worker`` process."""

    def __init__(self, bootstrap: str, data_dir: Path, app_id: str, **env: str) -> None:
        self.port = free_port()
        self.log_path = data_dir.with_suffix(".log")
        self.env = {
            **os.environ,
            "DEINFLUENCE_BOOTSTRAP": bootstrap,
            "DEINFLUENCE_DATA_DIR": str(data_dir),
            "DEINFLUENCE_WEB_PORT": str(self.port),
            "DEINFLUENCE_APP_ID": app_id,
            "DEINFLUENCE_IDLE_TIMEOUT": "3",
            "DEINFLUENCE_UPDATE_INTERVAL": "1",
            "DEINFLUENCE_STALL_TIMEOUT": "30",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._supervising = False

    def start(self, wait_ready: bool = True) -> Worker:
        """Start the worker under a supervisor that restarts it when it exits as stalled.

        That is what Kubernetes does with the chart's worker (README: "Known defect");
        a SIGKILL or a stop by the test is never restarted.
        """
        self._spawn()
        if not self._supervising:
            self._supervising = True
            threading.Thread(target=self._supervise, daemon=True).start()
        if wait_ready:
            try:
                _wait(self.ready, 90, f"worker ready (log: {self.log_path})", alive=self.alive)
            except AssertionError as exc:
                code = self.proc.poll() if self.proc else None
                raise AssertionError(f"{exc}; exit code {code}\n{self.log()[-2000:]}") from exc
        return self

    def _supervise(self) -> None:
        while self._supervising:
            proc = self.proc
            if proc is not None and proc.poll() == STALLED_EXIT_CODE and self._supervising:
                self.restarts += 1
                self._spawn()
            time.sleep(0.5)

    def _spawn(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deinfluence", "worker"], env=self.env, stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=REPO, start_new_session=True,
            preexec_fn=die_with_parent,
        )

    def alive(self) -> bool:
        if self.proc is None:
            return False
        code = self.proc.poll()
        return code is None or (code == STALLED_EXIT_CODE and self._supervising)

    def http(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            return 0, b""

    def ready(self) -> bool:
        status, body = self.http("/health/ready")
        return status == 200 and json.loads(body).get("ready") is True

    def kill(self) -> None:
        """SIGKILL: no shutdown, no commit, no flush."""
        self._supervising = False
        if self.alive():
            assert self.proc is not None
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def stop(self) -> None:
        self._supervising = False
        if self.alive():
            assert self.proc is not None
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]


def die_with_parent() -> None:
    """In the child: get SIGKILL when the test process dies, however it dies.

    A worker left behind by a killed test session would keep consuming the next session's
    topics on the same port and publish into them.
    """
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def unique_app_id(prefix: str = "it") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def produce(bootstrap: str, values: Iterable[bytes], key_by_post_id: bool = True,
            topic: str = topics.RAW) -> int:
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "enable.idempotence": True})
    n = 0
    for value in values:
        key = None
        if key_by_post_id:
            try:
                doc = orjson.loads(value)
                key = doc["post_id"].encode() if isinstance(doc, dict) and isinstance(doc.get("post_id"), str) else None
            except orjson.JSONDecodeError:
                key = None
        producer.produce(topic, value, key)
        n += 1
        if n % 10_000 == 0:
            producer.flush()
    assert producer.flush(30) == 0, "producer could not deliver everything"
    return n


def read_topic(bootstrap: str, topic: str, timeout: float = 30.0) -> list[tuple[bytes | None, bytes | None]]:
    """Every record of ``topic`` from the beginning to its current end."""
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": unique_app_id("reader"),
        "enable.auto.commit": False, "auto.offset.reset": "earliest",
    })
    try:
        meta = consumer.list_topics(topic, timeout=10).topics[topic]
        ends = {}
        for p in meta.partitions:
            _, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            ends[p] = high
        consumer.assign([TopicPartition(topic, p, 0) for p in ends])
        pending = {p for p, high in ends.items() if high > 0}
        out: list[tuple[bytes | None, bytes | None]] = []
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            out.append((msg.key(), msg.value()))
            if msg.offset() + 1 >= ends[msg.partition()]:
                pending.discard(msg.partition())
        assert not pending, f"could not read {topic} to its end"
        return out
    finally:
        consumer.close()


def latest_aggregates(bootstrap: str) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for key, value in read_topic(bootstrap, topics.AGGREGATES):
        assert key is not None and value is not None
        latest[key.decode()] = orjson.loads(value)
    return latest


def backfill(path: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    subprocess.run(
        [sys.executable, "-m", "deinfluence", "backfill", str(path), "--out", str(out), "--quiet", *args],
        check=True, env={**os.environ, **(env or {})}, cwd=REPO, stdin=subprocess.DEVNULL,
    )
    records = {}
    for line in (out / "aggregates.jsonl").read_bytes().splitlines():
        r = orjson.loads(line)
        records[f"{r['key_type']}|{r['key']}|{r['window']}|{r['window_start']}"] = r
    return records


def wait_for_equal(bootstrap: str, expected: dict[str, dict[str, Any]], timeout: float = 120.0,
                   alive: Callable[[], bool] | None = None, cap: float = 1200.0) -> dict[str, dict[str, Any]]:
    """Poll the aggregates topic until its latest records equal ``expected``.

    Gives up after ``timeout`` seconds without progress (the topic stopped growing), or
    after ``cap`` seconds in all: a slow machine is not a wrong answer.
    """
    started = last_change = time.monotonic()
    latest: dict[str, dict[str, Any]] = {}
    size = -1
    while time.monotonic() - last_change < timeout and time.monotonic() - started < cap:
        records = read_topic(bootstrap, topics.AGGREGATES)
        if len(records) != size:
            size, last_change = len(records), time.monotonic()
        latest = {k.decode(): orjson.loads(v) for k, v in records if k is not None and v is not None}
        if latest == expected:
            return latest
        if alive is not None and not alive():
            break
        time.sleep(2)
    return latest


def describe_difference(actual: dict[str, Any], expected: dict[str, Any]) -> str:
    missing = [k for k in expected if k not in actual]
    extra = [k for k in actual if k not in expected]
    wrong = [k for k in expected if k in actual and actual[k] != expected[k]]
    lines = [f"{len(missing)} missing, {len(extra)} extra, {len(wrong)} different"]
    for k in wrong[:3]:
        diff = {f: (actual[k][f], expected[k][f]) for f in expected[k] if actual[k].get(f) != expected[k][f]}
        lines.append(f"  {k}: (stream, backfill) {diff}")
    lines += [f"  missing {k}" for k in missing[:3]]
    return "\n".join(lines)


def _wait(pred: Callable[[], bool], timeout: float, what: str, alive: Callable[[], bool] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        if alive is not None and not alive():
            raise AssertionError(f"process died while waiting for {what}")
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def synthetic_posts(n: int, seed: int = 1, start: str = "2026-11-10T00:00:00Z",
                    mean_gap_s: float = 30.0, disorder_s: float = 300.0,
                    duplicates: float = 0.0) -> list[bytes]:
    """Posts made from the labeled dev texts with fresh ids and event times.

    Times advance by ``mean_gap_s`` on average and are jittered back by up to ``disorder_s``
    (keep it under the 10 minute grace for a stream that is ordered enough).
    """
    import random
    from datetime import UTC, datetime

    from tests.conftest import shared_data

    rnd = random.Random(seed)
    base = [orjson.loads(line) for line in (shared_data() / "stance-dev.jsonl").read_bytes().splitlines()]
    t = datetime.fromisoformat(start).timestamp()
    out: list[bytes] = []
    for i in range(n):
        post = dict(rnd.choice(base))
        post.pop("label", None)
        if rnd.random() < 0.3:
            post.pop("lang", None)
        t += rnd.expovariate(1 / mean_gap_s)
        ts = t - rnd.uniform(0, disorder_s)
        post["post_id"] = f"s{seed}-{i}"
        post["created_at"] = datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")
        out.append(orjson.dumps(post))
        if duplicates and rnd.random() < duplicates:
            out.append(orjson.dumps(post))
    return out
