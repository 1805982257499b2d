"""`deinfluence soak` for 20 seconds on the session broker: every sample is there and sane."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from deinfluence.soak import read_csv
from tests.integration.harness import REPO
from tests.integration.kafka_support import base_port

pytestmark = pytest.mark.integration


@pytest.mark.timeout(120)
def test_soak_records_every_sample(kafka, tmp_path):
    out = tmp_path / "soak"
    proc = subprocess.run(
        [sys.executable, "-m", "deinfluence", "soak", "--duration", "20", "--rate", "50",
         "--sample-interval", "2", "--partitions", "2", "--bootstrap", kafka.bootstrap,
         "--web-port", str(base_port() + 3), "--out", str(out)],
        cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=110,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = read_csv(out / "soak.csv")
    summary = json.loads((out / "soak-summary.json").read_text())
    assert [r.elapsed_s for r in rows] == [2.0 * k for k in range(1, 11)]  # no lost sample
    assert proc.stderr.count(" posts ") >= len(rows)  # one progress line per sample
    assert all(r.rss_mib > 0 for r in rows) and summary["restarts"] == 0
    assert rows[-1].posts == summary["posts"] == 1000
    assert all(a.posts < b.posts for a, b in zip(rows, rows[1:], strict=False))
    assert summary["latency_samples"] > 0 and summary["latency_missing"] == 0, summary
    assert 0 < summary["latency_p50_s"] <= summary["latency_p99_s"] < 60
    assert summary["rss_start_mib"] <= summary["rss_peak_mib"]
    assert summary["lag_max"] >= summary["lag_end"] >= 0
    assert (out / "soak.png").read_bytes()[:4] == b"\x89PNG"
