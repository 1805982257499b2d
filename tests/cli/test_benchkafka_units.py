"""The benchmark's process accounting (``deinfluence.benchkafka``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from deinfluence.benchkafka import proc_cpu_seconds, proc_memory_mib


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
