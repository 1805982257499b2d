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


@pytest.mark.timeout(480)
def test_bench_measures_every_figure(kafka, tmp_path):
    assert QUIX_PYTHON.exists(), "Quix Streams venv missing: run `make bench-quix-venv`"
    out = tmp_path / "bench.json"
    env = {**os.environ, "DEINFLUENCE_BENCH_WEB_PORT": str(base_port() + 40)}
    proc = subprocess.run(
        [sys.executable, "-m", "deinfluence", "bench", "--posts", "2000", "--duration", "4",
         "--envelope", "100", "--partitions", "2", "--scaling-posts", "3000", "--bootstrap", kafka.bootstrap,
         "--workdir", str(tmp_path / "work"), "--timeout", "90", "--warmup", "2", "--json", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=420,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    for key in KEYS:
        value = result[key]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (key, value)
    assert result["two_workers_posts_per_s"] > 0
    # the bare consumer read the 2,000 posts again and again for its 3 s: many passes
    assert result["raw_consume_passes"] >= 2, result["raw_consume_passes"]
    # the clients' floor: every post read and written back as one acknowledged record
    assert result["passthrough_posts_per_s"] > 0, result
    floor = result["passthrough_cpu"]
    assert floor["client_us_per_post"] > 0 and floor["broker_us_per_post"] > 0, floor
    assert result["scaling_posts"] == 3000, result["scaling_posts"]  # the stable-group backlog
    # the uncounted warm-up runs on that backlog, the session broker's JIT read from /proc:
    # one or two rounds (a second only when the first still saw the compiler busy)
    warm = result["broker_warmup"]
    assert 1 <= len(warm) <= 2 and all(r["posts_per_s"] > 0 for r in warm), warm
    assert all(isinstance(r["jit_cores"], float) and r["jit_cores"] >= 0 for r in warm), warm
    assert len(warm) == 1 or warm[0]["jit_cores"] >= 0.05, warm
    assert result["stable_group_1_workers_posts_per_s"] > 0 and result["stable_group_2_workers_posts_per_s"] > 0
    assert result["stable_group_2_workers_standby_posts_per_s"] > 0
    assert result["two_workers_scaling_standby"] > 0
    spans = result["classified_span_posts_per_s"]
    assert set(spans) == {"single_posts", "envelopes", "two_workers_joining", "stable_group_1_workers",
                          "stable_group_2_workers", "stable_group_2_workers_standby"}, spans
    assert all(v > 0 for v in spans.values()), spans
    for phase in ("stable_group_1_workers", "stable_group_2_workers", "stable_group_2_workers_standby"):
        cpu = result[f"{phase}_cpu_cores"]
        assert cpu["workers"] > 0 and cpu["broker"] > 0 and cpu["seconds"] > 0, cpu
        assert cpu["workers_us_per_post"] > 0, cpu
        assert cpu["threads_us_per_post"]["main"] > 0, cpu  # the event loop's own share
        loop = cpu["event_loop"]  # on a CPU, waiting for one, asleep: shares of the span
        assert loop["on_cpu"] > 0 and loop["runqueue"] >= 0 and loop["sleeping"] >= 0, cpu
        # the settings the phase ran with: the defaults (memory, so no standby), then one standby
        assert result[f"{phase}_store"] == "memory://", phase
        assert result[f"{phase}_standby_replicas"] == (1 if phase.endswith("_standby") else 0), phase
        # every stage ran partition batches, read from the workers' /metrics; the classify
        # batches hold every post of the phase's backlog once (3,000 posts, none dead-lettered)
        batches = result[f"{phase}_batches"]
        # and the cyclic GC's collections in the phase (streams.gctime): maybe none in one so short
        gc_row = batches.pop("gc")
        assert gc_row["batches"] >= 0 and gc_row["ms_per_batch"] >= 0, gc_row
        assert set(batches) == {"classify", "combine", "rollup"}, batches
        assert all(r["batches"] > 0 and r["per_batch"] > 0 for r in batches.values()), batches
        assert batches["classify"]["batches"] * batches["classify"]["per_batch"] == pytest.approx(
            3000, abs=0.05 * batches["classify"]["batches"] + 1), batches
    assert 0.5 < result["machine_two_process_scaling"] < 3, result["machine_two_process_scaling"]
    stages = result["machine_two_process_stages"]
    assert 0.5 < stages["scaling"] < 3 and stages["cpu_ratio"] > 0, stages
    # the latency worker's CPU while posts flowed, and the session broker's (found by its port)
    lat_cpu = result["latency_cpu"]
    assert lat_cpu["posts"] > 0 and lat_cpu["span_s"] > 0, lat_cpu
    assert lat_cpu["workers"]["cores"] > 0 and lat_cpu["workers"]["us_per_post"] > 0, lat_cpu
    assert lat_cpu["broker"]["cores"] > 0, lat_cpu
    assert result["latency_missing"] == 0, result
    assert result["p50_latency_s"] <= result["p99_latency_s"]
    assert "posts_per_s" in proc.stdout  # the table


@pytest.mark.timeout(180)
def test_latency_hops_splits_every_sample_by_hop(kafka):
    """``bench/latency_hops.py``: each sample found in routed, partials and the aggregates,
    and the hops add up to its latency (they are differences of the same clocks)."""
    env = {**os.environ, "DEINFLUENCE_BENCH_WEB_PORT": str(base_port() + 60)}
    proc = subprocess.run(
        [sys.executable, "bench/latency_hops.py", "300", "4", "--bootstrap", kafka.bootstrap,
         "--partitions", "2"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=170,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("run 1: 300 posts/s") and "0 missing" in lines[0], proc.stdout
    samples = int(lines[0].split("(")[1].split()[0])
    assert samples >= 15, proc.stdout
    hops = {line.split()[0]: line for line in lines[1:]}
    assert list(hops) == ["raw->routed", "routed->partials", "partials->aggregate", "aggregate->read"], proc.stdout
    for line in hops.values():  # every sample traced through every hop
        assert line.rstrip().endswith(f"({samples} samples)"), line
        p50 = float(line.split("p50")[1].split()[0])
        assert 0 <= p50 < 10, line
