"""Kafka plumbing of ``deinfluence bench``: topics, backlogs, group progress, child processes.

Everything here talks to the real broker with confluent-kafka; nothing is simulated.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from deinfluence.errors import DeinfluenceError
from deinfluence.streams import topics

REPO = Path(__file__).resolve().parents[1]


class BenchError(DeinfluenceError):
    """A benchmark phase could not complete (timeout, dead process)."""


def wait(pred: Callable[[], bool], timeout: float, what: str, step: float = 0.2) -> float:
    """Poll ``pred`` until true; returns the wall-clock time it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return time.time()
        time.sleep(step)
    raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")


def reset_topics(bootstrap: str, partitions: int, extra: Sequence[str] = ()) -> None:
    """Delete every non-internal topic; create the pipeline's topics and ``extra`` afresh."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    existing = [t for t in admin.list_topics(timeout=10).topics if not t.startswith("__")]
    if existing:
        for fut in admin.delete_topics(existing, operation_timeout=30).values():
            fut.result()
        wait(lambda: not set(existing) & set(admin.list_topics(timeout=10).topics), 60, "deletion")
    compact = {"cleanup.policy": "compact"}
    names = (*topics.ALL, *extra)
    pending = list(names)
    deadline = time.monotonic() + 60
    while pending:  # a topic being deleted still "exists" for a moment: retry those
        new = [NewTopic(t, partitions, 1, config=compact if t in topics.COMPACTED else {})
               for t in pending]
        pending = []
        for name, fut in admin.create_topics(new, operation_timeout=30).items():
            try:
                fut.result()
            except Exception as exc:
                if "TOPIC_ALREADY_EXISTS" not in str(exc) or time.monotonic() > deadline:
                    raise
                pending.append(name)
        if pending:
            time.sleep(0.5)
    wait(lambda: set(names) <= set(admin.list_topics(timeout=10).topics), 60, "topic creation")


def produce(bootstrap: str, topic: str, values: Iterable[tuple[bytes | None, bytes]]) -> int:
    """Produce ``(key, value)`` pairs as fast as the client allows; returns the count."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20,
                         "batch.size": 1_000_000})
    n = 0
    for key, value in values:
        while True:
            try:
                producer.produce(topic, value, key)
                break
            except BufferError:
                producer.poll(0.05)
        n += 1
    if producer.flush(60) != 0:
        raise BenchError(f"could not deliver the backlog to {topic}")
    return n


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-meta"})
    try:
        parts = c.list_topics(topic, timeout=10).topics[topic].partitions
        return {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in parts}
    finally:
        c.close()


def first_timestamp(bootstrap: str, topic: str) -> float:
    """Earliest record timestamp (seconds) over the partitions' first records."""
    return _edge_timestamp(bootstrap, topic, last=False)


def last_timestamp(bootstrap: str, topic: str) -> float:
    """Latest record timestamp (seconds) over the partitions' last records."""
    return _edge_timestamp(bootstrap, topic, last=True)


def _edge_timestamp(bootstrap: str, topic: str, last: bool) -> float:
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-meta",
                  "enable.auto.commit": False})
    try:
        ends = end_offsets(bootstrap, topic)
        c.assign([TopicPartition(topic, p, e - 1 if last else 0) for p, e in ends.items() if e > 0])
        pending, found = {p for p, e in ends.items() if e > 0}, []
        deadline = time.monotonic() + 20
        while pending and time.monotonic() < deadline:
            msg = c.poll(0.5)
            if msg is None or msg.error() or msg.partition() not in pending:
                continue
            found.append(msg.timestamp()[1] / 1000)
            pending.discard(msg.partition())
            c.pause([TopicPartition(topic, msg.partition())])
        if not found:
            return float("-inf") if last else float("inf")
        return max(found) if last else min(found)
    finally:
        c.close()


class GroupProgress:
    """Has a consumer group committed everything of the topics it reads?"""

    def __init__(self, bootstrap: str, group: str, topic_filter: Callable[[str], bool]) -> None:
        self.bootstrap = bootstrap
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                                  "enable.auto.commit": False})
        self.topic_filter = topic_filter

    def caught_up(self) -> bool:
        meta = self.consumer.list_topics(timeout=10).topics
        tps = [TopicPartition(t, p) for t, m in meta.items() if self.topic_filter(t)
               for p in m.partitions]
        if not tps:
            return False
        committed = self.consumer.committed(tps, timeout=10)
        for tp in committed:
            _, high = self.consumer.get_watermark_offsets(TopicPartition(tp.topic, tp.partition),
                                                          timeout=10)
            if high > 0 and tp.offset < high:
                return False
        return True

    def close(self) -> None:
        self.consumer.close()


def proc_memory_mib(pid: int, field: str) -> float:
    """A memory line of ``/proc/<pid>/status`` (``VmRSS``, ``VmHWM``...) in MiB; 0 when gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def local_broker_pid(bootstrap: str) -> int | None:
    """The pid of the broker behind ``bootstrap`` (its first address) when it listens on this
    machine, for its CPU figures; ``None`` for a remote one."""
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    local = host in ("127.0.0.1", "localhost", "::1", "[::1]")
    return listening_pid(int(port)) if local and port.isdigit() else None


def listening_pid(port: int) -> int | None:
    """The pid of a local process listening on TCP ``port`` (this machine's broker when the
    bench was given one), or ``None`` when there is none or it cannot be seen."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{f[9]}]")
    for proc in Path("/proc").iterdir():
        if not inodes or not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:
            continue
    return None


def _stat_cpu_seconds(stat: Path) -> float:
    """User plus system CPU seconds from a ``/proc`` ``stat`` file (raises OSError when gone)."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def proc_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of every thread of process ``pid``; 0 when gone."""
    try:
        return _stat_cpu_seconds(Path(f"/proc/{pid}/stat"))
    except OSError:
        return 0.0


def thread_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds of process ``pid``'s threads, by kind: ``main`` (the event loop: Faust, the
    processors) and the others by name with digits and suffixes dropped (``rdk:broker``,
    ``rdk:main``, ``ThreadPoolExecutor`` ...). Threads that ended are not counted."""
    out: dict[str, float] = {}
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for task in tasks:
        try:
            secs = _stat_cpu_seconds(task / "stat")
            name = (task / "comm").read_text().strip()
        except OSError:
            continue
        kind = "main" if task.name == str(pid) else name.rstrip("0123456789").split("-")[0] or name
        out[kind] = out.get(kind, 0.0) + secs
    return out


# HotSpot's JIT compiler threads ("C1 CompilerThread0", "C2 CompilerThread1"), as /proc names
# them: a thread's name there is cut to 15 characters
JIT_THREAD_PREFIXES = ("C1 CompilerThre", "C2 CompilerThre")


def jit_cpu_seconds(pid: int) -> float:
    """CPU seconds of a JVM's JIT compiler threads (process ``pid``, the local broker): what
    it spent compiling its own code instead of serving requests. A fresh broker spends
    tenths of a core on it for minutes of traffic, on the cores the workers need
    (``Bench.warm_broker``). 0 when gone or when it has no such threads."""
    return sum(secs for kind, secs in thread_cpu_seconds(pid).items()
               if kind.startswith(JIT_THREAD_PREFIXES))


def add_warmup_option(parser: argparse.ArgumentParser) -> None:
    """``--warmup K`` (default 4) of ``deinfluence bench`` and of the alternating bench scripts:
    ``benchmark.Bench.warm_broker`` until the compiler threads (:func:`jit_cpu_seconds`) are quiet."""
    parser.add_argument("--warmup", type=int, default=4,
                        help="at most this many uncounted one-worker runs first, until the broker's "
                        "JIT compiler is quiet (default 4; 0: none; a remote broker gets one)")


def loop_schedstat(pid: int, root: Path = Path("/proc")) -> tuple[float, float] | None:
    """(seconds on a CPU, seconds runnable but waiting for one) of process ``pid``'s main
    thread, the event loop, from the scheduler's ``schedstat``; ``None`` when gone or when the
    kernel keeps no such statistics. The rest of a span is time the loop slept (waiting for
    the broker, a fetch, a timer)."""
    try:
        on_cpu, runqueue, _slices = (root / str(pid) / "task" / str(pid) / "schedstat").read_text().split()
    except (OSError, ValueError):
        return None
    return int(on_cpu) / 1e9, int(runqueue) / 1e9


class Child:
    """A child process in its own session (stopped with its whole process group)."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         cwd=REPO, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def peak_rss_mb(self) -> float:
        """VmHWM of the process (its peak resident set), in MiB."""
        return proc_memory_mib(self.pid, "VmHWM")

    def check(self) -> None:
        if not self.alive():
            tail = self.log.read_text(errors="replace")[-2000:]
            raise BenchError(f"child {self.proc.args} exited; log {self.log}:\n{tail}")

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait(10)


def python_child(script: list[str], env: dict[str, str], log: Path,
                 python: str | None = None) -> Child:
    return Child([python or sys.executable, *script], env, log)
