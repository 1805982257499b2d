"""The benchmark's process accounting (``deinfluence.benchkafka``, ``benchmark``, ``benchmachine``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from deinfluence.benchkafka import (
    jit_cpu_seconds,
    loop_schedstat,
    proc_cpu_seconds,
    proc_memory_mib,
    thread_cpu_seconds,
)
from deinfluence.benchmachine import _cpu_loop, _stage_loop
from deinfluence.benchmark import (
    Bench,
    batch_lines,
    batches_delta,
    loop_shares,
    parse_batches,
    threads_delta,
)


def test_cpu_seconds_count_every_thread_of_a_busy_child():
    """A child spinning two threads for ~1 s of wall time uses more than one CPU second
    when two cores are free, and at least ~0.8 s in any case; this process's own reading
    matches ``os.times``."""
    code = ("import threading, time\n"
            "def spin():\n"
            "    end = time.monotonic() + 1.0\n"
            "    while time.monotonic() < end: pass\n"
            "ts = [threading.Thread(target=spin) for _ in range(2)]\n"
            "[t.start() for t in ts]; [t.join() for t in ts]\n"
            "import sys; sys.stdin.read()\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE)
    try:
        time.sleep(1.5)
        used = proc_cpu_seconds(child.pid)
    finally:
        child.communicate(b"", timeout=10)
    assert 0.8 <= used <= 2.5 * 1.5
    mine = os.times()
    assert abs(proc_cpu_seconds(os.getpid()) - (mine.user + mine.system)) < 0.1


def test_a_process_that_is_gone_reads_zero():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(10)
    assert proc_cpu_seconds(child.pid) == 0.0
    assert proc_memory_mib(child.pid, "VmHWM") == 0.0


def test_the_process_listening_on_a_port_is_found():
    import socket

    from deinfluence.benchkafka import listening_pid

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        assert listening_pid(port) is None  # bound, not listening
        s.listen()
        assert listening_pid(port) == os.getpid()


def test_latency_cpu_figures_are_per_process_over_the_steady_span():
    """``benchlatency.cpu_figures``: each process's CPU over the span between two readings,
    as cores and per post produced in it; a process missing from one reading is left out."""
    from deinfluence.benchlatency import cpu_figures

    first = (100.0, 1_000, {"workers": 2.0, "broker": 1.0, "gone": 0.5})
    last = (104.0, 9_000, {"workers": 5.0, "broker": 2.0})
    figures = cpu_figures(first, last)
    assert figures == {"span_s": 4.0, "posts": 8_000,
                       "broker": {"cores": 0.25, "us_per_post": 125.0},
                       "workers": {"cores": 0.75, "us_per_post": 375.0}}
    idle = cpu_figures((0.0, 5, {"workers": 1.0}), (2.0, 5, {"workers": 1.2}))
    assert idle["workers"]["cores"] == 0.1 and idle["workers"]["us_per_post"] != idle["workers"]["us_per_post"]


def test_a_local_broker_is_found_by_its_bootstrap_port_and_a_remote_one_is_not():
    import socket

    from deinfluence.benchkafka import local_broker_pid

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert local_broker_pid(f"127.0.0.1:{port},other:9092") == os.getpid()
        assert local_broker_pid(f"localhost:{port}") == os.getpid()
        assert local_broker_pid(f"kafka.example:{port}") is None


def test_thread_cpu_tells_the_event_loop_from_the_other_threads():
    """A child whose second thread spins until it has used 0.8 s of CPU while its main thread
    waits: that CPU is counted under the thread's kind (CPython 3.11 names its threads after
    the process: ``python``), not under ``main``."""
    code = ("import threading, time, sys\n"
            "def spin():\n"
            "    while time.thread_time() < 0.8: pass\n"
            "    print('spun', flush=True)\n"
            "    time.sleep(600)  # alive: an ended thread's CPU is not listed\n"
            "threading.Thread(target=spin, daemon=True).start()\n"
            "sys.stdin.read()\n")
    with _spinning_child(code, spinners=1) as child:
        by_kind = thread_cpu_seconds(child.pid)
    others = sum(v for k, v in by_kind.items() if k != "main")
    assert others >= 0.75, by_kind
    assert by_kind["main"] < 0.5, by_kind  # start-up only
    assert thread_cpu_seconds(child.pid) == {}  # gone


def test_jit_cpu_counts_only_threads_named_as_hotspots_compiler_threads():
    """A child whose thread named like HotSpot's "C2 CompilerThread0" spins 0.8 s and whose
    thread named like a broker's request handler spins as long: only the first is the JIT's."""
    code = ("import os, threading, time, sys\n"
            "def spin(name):\n"
            "    with open(f'/proc/self/task/{threading.get_native_id()}/comm', 'w') as f:\n"
            "        f.write(name)  # the kernel keeps 15 characters, as for the JVM's threads\n"
            "    while time.thread_time() < 0.8: pass\n"
            "    os.write(1, b'spun\\n')  # one write: the two threads' lines never interleave\n"
            "    time.sleep(600)\n"
            "for name in ('C2 CompilerThread0', 'data-plane-kafka-request-handler-0'):\n"
            "    threading.Thread(target=spin, args=(name,), daemon=True).start()\n"
            "sys.stdin.read()\n")
    with _spinning_child(code, spinners=2) as child:
        jit, every = jit_cpu_seconds(child.pid), proc_cpu_seconds(child.pid)
    assert 0.75 <= jit < 1.2, (jit, every)  # the compiler thread alone, not the handler
    assert every >= 1.5, every
    assert jit_cpu_seconds(child.pid) == 0.0  # gone


class _Rounds(Bench):
    """``Bench.warm_broker``'s rounds without workers: each round's JIT seconds from a list."""

    def __init__(self, jit_per_round: list[float] | None) -> None:
        self.jit_per_round = jit_per_round
        self.jit_total, self.runs = 0.0, 0
        self.broker_pid = None if jit_per_round is None else 1

    def stable_group(self, workers, tag, **worker_env):
        import contextlib
        return contextlib.nullcontext([])

    def backlog(self, children, values):
        if self.jit_per_round is not None:
            self.jit_total += self.jit_per_round[self.runs]
        self.runs += 1
        time.sleep(0.1)
        return 1000.0, 0.1

    def _jit_seconds(self):
        return None if self.jit_per_round is None else self.jit_total


def test_the_warm_up_stops_once_the_jit_is_quiet_or_after_its_rounds():
    # 0.3 and 0.1 s of JIT in a 0.1 s round: busy; 0.001 s: under 0.05 cores, the last round
    quiet_third = _Rounds([0.3, 0.1, 0.001, 0.0])
    rounds = quiet_third.warm_broker([], max_rounds=4)
    assert quiet_third.runs == 3 and [r["jit_cores"] > 0.05 for r in rounds] == [True, True, False]
    busy = _Rounds([0.3, 0.3, 0.3, 0.3])
    assert len(busy.warm_broker([], max_rounds=2)) == 2 and busy.runs == 2
    remote = _Rounds(None)  # its threads cannot be seen: one round, its JIT unknown
    assert remote.warm_broker([], max_rounds=4) == [{"posts_per_s": 1000, "jit_cores": None}]


def test_event_loop_shares_split_on_cpu_runqueue_and_sleep(tmp_path):
    """The scheduler's figures of a main thread (nanoseconds on a CPU, waiting for one), and
    the shares over a span averaged over the workers; a missing worker gives none."""
    task = tmp_path / "42" / "task" / "42"
    task.mkdir(parents=True)
    (task / "schedstat").write_text("1500000000 250000000 9000\n")
    assert loop_schedstat(42, root=tmp_path) == (1.5, 0.25)
    assert loop_schedstat(43, root=tmp_path) is None
    # worker 0: 6 s on a CPU and 2 s waiting over 10 s; worker 1: 8 s and 1 s
    assert loop_shares([(1.0, 0.5), (0.0, 0.0)], [(7.0, 2.5), (8.0, 1.0)], 10.0) == {
        "on_cpu": 0.7, "runqueue": 0.15, "sleeping": 0.15}
    assert loop_shares([(1.0, 0.5), None], [(7.0, 2.5), (8.0, 1.0)], 10.0) == {}
    # this process's own thread, while it spins: mostly on a CPU
    me = loop_schedstat(os.getpid())
    if me is not None:  # kernels without schedstats give none
        start = time.monotonic()
        while time.monotonic() - start < 0.3:
            pass
        shares = loop_shares([me], [loop_schedstat(os.getpid())], time.monotonic() - start)
        assert shares["on_cpu"] > 0.3, shares


def test_per_post_and_per_batch_figures_sum_over_the_workers():
    before = [{"main": 1.0, "python": 0.5}, {"main": 2.0}]
    after = [{"main": 2.0, "python": 0.6, "rdk:broker": 0.00001}, {"main": 3.5, "python": 0.2}]
    # main: 1.0 + 1.5 s over 100,000 posts = 25 us; python 0.1 + 0.2 s = 3 us; the broker
    # thread's 0.0001 us is under the 0.5 us cut
    assert threads_delta(before, after, 100_000) == {"main": 25.0, "python": 3.0}
    r_before = [{"classify": (10.0, 5000.0, 1.0)}, {}]
    r_after = [{"classify": (20.0, 15000.0, 1.2), "combine": (4.0, 12.0, 0.04)},
               {"classify": (5.0, 2500.0, 0.3)}]
    assert batches_delta(r_before, r_after) == {
        "classify": {"batches": 15, "per_batch": 833.3, "ms_per_batch": 33.33},
        "combine": {"batches": 4, "per_batch": 3.0, "ms_per_batch": 10.0}}


def test_batches_are_read_from_the_worker_metrics_text():
    """The worker's own metrics, rendered and parsed back: batches and messages from the batch
    histogram, each stage's time from its own steps (``decode`` and ``publish``, timed in more
    than one stage, belong to none)."""
    from deinfluence.streams.metrics import WorkerMetrics

    m = WorkerMetrics(process_metrics=False)
    for size in (1000, 500):
        m.batch("classify", size)
        m.observe_stage("classify", 0.25)
    m.batch("rollup", 3)
    for step, secs in (("decode", 1.0), ("merge", 0.5), ("publish", 4.0), ("trends", 0.25)):
        m.observe_stage(step, secs)
    m.gc_collection(0, 0.002)
    m.gc_collection(2, 0.25)
    got = parse_batches(m.render().decode())
    assert got["classify"] == (2.0, 1500.0, 0.5)
    assert got["rollup"] == (1.0, 3.0, 0.75)
    assert got.get("combine", (0.0, 0.0, 0.0)) == (0.0, 0.0, 0.0)  # a stage that never ran
    assert got["gc"] == (2.0, 0.0, 0.252)  # collections, all generations, and their seconds
    assert set(got) <= {"classify", "combine", "rollup", "gc"}


def test_the_machine_measures_return_wall_and_cpu_seconds():
    """One pass of each kind of work, in this process (the two-process runs are in the bench's
    smoke test)."""
    import gc

    thresholds = gc.get_threshold()
    for fn in (_cpu_loop, _stage_loop):
        wall, cpu = fn(1)
        assert wall > 0 and cpu > 0, fn
        assert cpu <= wall * 2 + 0.05, (fn, wall, cpu)  # one thread's work
    assert gc.get_threshold() == thresholds  # the worker's GC settings stay in the work


def test_the_standby_setting_reaches_faust():
    from deinfluence.settings import Settings
    from deinfluence.streams.app import make_app

    assert make_app(Settings()).conf.table_standby_replicas == 0  # auto, memory store
    assert make_app(Settings(store="rocksdb://")).conf.table_standby_replicas == 1  # auto
    assert make_app(Settings(standby_replicas=0)).conf.table_standby_replicas == 0
    assert make_app(Settings(standby_replicas="2")).conf.table_standby_replicas == 2


def test_the_standby_setting_is_validated_and_the_useless_case_named():
    import pytest

    from deinfluence.settings import Settings

    assert Settings(standby_replicas=" AUTO ").standby_replicas == "auto"
    # the store URL as Faust reads it: any case, surrounding blanks
    assert Settings(store=" RocksDB://").standby_copies() == 1
    assert Settings(store="MEMORY://", standby_replicas=1).standby_without_effect()
    for bad in ("-1", "one", "1.5", "\u00b2", "\u0661", ""):
        with pytest.raises(ValueError, match="standby_replicas must be auto"):
            Settings(standby_replicas=bad)
    assert Settings(standby_replicas=1).standby_without_effect()  # memory: copies never used
    assert not Settings().standby_without_effect()
    assert not Settings(standby_replicas=1, store="rocksdb://").standby_without_effect()


def test_faust_memory_store_keeps_no_changelog_offsets():
    """Why ``auto`` is 0 with memory://: a partition a worker kept a standby copy of, once it
    becomes active there, starts at the store's persisted offset, which the in-memory store
    never has, so it is replayed from the earliest offset whatever the standby had read
    (measured with ``bench/failover_replay.py``). Taken through Faust's own ``on_rebalance``
    (standby, then active) and ``_build_offsets``; a store with a persisted offset (rocksdb)
    starts there instead. If Faust starts handing standby progress over, revisit ``auto``."""
    import asyncio
    from collections import Counter, defaultdict
    from types import SimpleNamespace

    from faust.stores.memory import Store
    from faust.tables.recovery import Recovery
    from faust.types import TP

    tp = TP("t-changelog", 0)

    class Table:
        def __init__(self, persisted: int | None) -> None:
            self.persisted = persisted

        def persisted_offset(self, _tp: TP) -> int | None:
            return self.persisted

    class Consumer:
        async def earliest_offsets(self, *tps: TP) -> dict[TP, int]:
            return {t: 0 for t in tps}

    def assign(standbys: set[TP], actives: set[TP]) -> SimpleNamespace:
        return SimpleNamespace(assigned_standbys=lambda: standbys, assigned_actives=lambda: actives)

    async def takeover(table: Table) -> int:
        rec = object.__new__(Recovery)  # Faust's own methods on the state they use, no app
        rec.standby_tps, rec.active_tps, rec.tp_to_table = set(), set(), {}
        rec.active_offsets, rec.standby_offsets = Counter(), Counter()
        rec.active_highwaters, rec.standby_highwaters = Counter(), Counter()
        rec.actives_for_table, rec.standbys_for_table = defaultdict(set), defaultdict(set)
        rec._signal_recovery_start = None
        rec.log = SimpleNamespace(info=lambda *a, **k: None)
        rec.tables = SimpleNamespace(_changelogs={tp.topic: table})
        rec.app = SimpleNamespace(consumer_generation_id=1, tracer=None, _rebalancing_span=None,
                                  assignor=assign({tp}, set()))
        await rec.on_rebalance({tp}, set(), {tp}, 1)  # a standby of tp
        rec.standby_offsets[tp] = 500  # it has read the changelog up to 500
        rec.app.consumer_generation_id, rec.app.assignor = 2, assign(set(), {tp})
        await rec.on_rebalance({tp}, set(), set(), 2)  # tp becomes active here
        await rec._build_offsets(Consumer(), rec.active_tps, rec.active_offsets, "active")
        return rec.active_offsets[tp]

    memory = Table(Store.persisted_offset(object.__new__(Store), tp))
    assert memory.persisted is None
    assert asyncio.run(takeover(memory)) == -1  # replayed from the earliest offset
    assert asyncio.run(takeover(Table(500))) == 500  # rocksdb: resumes where the copy is


def test_stable_group_backlog_is_four_times_posts_unless_set():
    """``deinfluence bench --scaling-posts``: 4 x ``--posts`` by default, so a stable-group
    phase lasts long enough for a steady two-worker ratio; a value given is taken as is."""
    from deinfluence.cli import build_parser
    from deinfluence.cli.bench_cmd import scaling_posts

    parse = build_parser().parse_args
    assert scaling_posts(parse(["bench"])) == 400_000
    assert scaling_posts(parse(["bench", "--posts", "2000"])) == 8_000
    assert scaling_posts(parse(["bench", "--posts", "2000", "--scaling-posts", "3000"])) == 3_000


def test_backlog_values_are_encoded_posts_keyed_by_post_id():
    """``encode_posts``: what a stable-group phase produces, encoded before its clock starts."""
    import orjson

    from deinfluence.benchmark import encode_posts, generate_posts

    posts = generate_posts(50)
    values = encode_posts(posts)
    assert [k for k, _ in values] == [p["post_id"].encode() for p in posts]
    assert [orjson.loads(v) for _, v in values] == posts


def test_batch_lines_give_each_stage_its_line_in_order():
    rows = {"classify": {"batches": 185, "per_batch": 2162.2, "ms_per_batch": 37.74},
            "rollup": {"batches": 140, "per_batch": 3.7, "ms_per_batch": 2.765},
            "gc": {"batches": 40, "per_batch": 0.0, "ms_per_batch": 12.5}}
    assert batch_lines(rows) == [
        "    classify:    185 batches,   2162.2 messages per batch,   37.74 ms per batch",
        "      rollup:    140 batches,      3.7 messages per batch,    2.77 ms per batch",
        "          gc:     40 collections,   12.50 ms each, 0.50 s in all",
    ]
    assert batch_lines({}) == []


@contextmanager
def _spinning_child(code: str, spinners: int) -> Iterator[subprocess.Popen[str]]:
    """Run ``code`` in a child Python; yield it once its ``spinners`` threads printed "spun",
    and end it (it waits on its stdin) when the block ends."""
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert [child.stdout.readline().strip() for _ in range(spinners)] == ["spun"] * spinners
        yield child
    finally:
        child.communicate("", timeout=10)
