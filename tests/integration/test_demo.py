"""``deinfluence demo`` (the README's first quickstart command), bounded by ``--duration``."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from deinfluence import localkafka
from tests.integration.kafka_support import extra_port, fresh_data_dir


def test_demo_runs_the_pipeline_and_shows_aggregates(tmp_path):
    kafka_dir = fresh_data_dir("test-kafka-demo")
    port = extra_port(14)
    env = {**os.environ, "DEINFLUENCE_WEB_PORT": str(port + 100)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "deinfluence", "demo", "--port", str(port), "--kafka-dir", str(kafka_dir),
             "--data-dir", str(tmp_path / "demo"), "--hours", "6", "--rate", "400", "--duration", "75"],
            env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False)
    finally:
        localkafka.stop(kafka_dir)
    worker_log = (tmp_path / "demo" / "worker.log").read_text(errors="replace")
    assert done.returncode == 0, done.stderr[-2000:] + worker_log[-2000:]
    assert "Traceback" not in worker_log, worker_log[-3000:]
    # the live view (no tty: one screen per redraw) read aggregates and ranked brands by them
    read = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) aggregate records read", done.stdout)]
    assert read and read[-1] > 0, done.stdout[-2000:]
    last = done.stdout.rsplit("deinfluence demo - ", 1)[-1]
    brands = last.split("Most de-influenced brands", 1)[1].split("Hashtags", 1)[0]
    assert re.search(r"^\s{2}\S+\s+\d+\s+\d+\s+\d\.\d\d", brands, re.M), last
    assert f"kafka down --data-dir {kafka_dir}" in done.stderr
