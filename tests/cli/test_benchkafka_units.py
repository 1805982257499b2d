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
