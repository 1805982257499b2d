"""`deinfluence bench` at toy size on the session broker: every figure is measured and positive."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest

from deinfluence.benchmark import KEYS
from deinfluence.cli.bench_cmd import QUIX_PYTHON
from tests.integration.harness import REPO
from tests.integration.kafka_support import base_port

pytestmark = pytest.mark.integration


@pytest.mark.timeout(240)
def test_bench_measures_every_figure(kafka, tmp_path):
    assert QUIX_PYTHON.exists(), "Quix Streams venv missing: run `make bench-quix-venv`"
    out = tmp_path / "bench.json"
    env = {**os.environ, "DEINFLUENCE_BENCH_WEB_PORT": str(base_port() + 40)}
    proc = subprocess.run(
        [sys.executable, "-m", "deinfluence", "bench", "--posts", "2000", "--duration", "4",
         "--envelope", "100", "--partitions", "2", "--bootstrap", kafka.bootstrap,
         "--workdir", str(tmp_path / "work"), "--timeout", "90", "--json", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    for key in KEYS:
        value = result[key]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (key, value)
    assert result["two_workers_posts_per_s"] > 0
    # the clients' floor: every post read and written back as one acknowledged record
    assert result["passthrough_posts_per_s"] > 0, result
    floor = result["passthrough_cpu"]
    assert floor["client_us_per_post"] > 0 and floor["broker_us_per_post"] > 0, floor
    assert result["stable_group_1_workers_posts_per_s"] > 0 and result["stable_group_2_workers_posts_per_s"] > 0
    spans = result["classified_span_posts_per_s"]
    assert set(spans) == {"single_posts", "envelopes", "two_workers_joining", "stable_group_1_workers",
                          "stable_group_2_workers"} and all(v > 0 for v in spans.values()), spans
    for workers in (1, 2):
        cpu = result[f"stable_group_{workers}_workers_cpu_cores"]
        assert cpu["workers"] > 0 and cpu["broker"] > 0 and cpu["seconds"] > 0, cpu
        assert cpu["workers_us_per_post"] > 0, cpu
    assert 0.5 < result["machine_two_process_scaling"] < 3, result["machine_two_process_scaling"]
    assert result["latency_missing"] == 0, result
    assert result["p50_latency_s"] <= result["p99_latency_s"]
    assert "posts_per_s" in proc.stdout  # the table
