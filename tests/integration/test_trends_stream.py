"""The trend detector runs inside the worker: a generated surge reaches deinfluence.trends,
with exactly the records ``backfill`` computes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import orjson

from deinfluence.streams import topics
from tests.integration.harness import (
    REPO,
    Worker,
    describe_difference,
    produce,
    read_topic,
    reset_topics,
    unique_app_id,
    wait_for_equal,
)


def test_generated_surge_produces_the_backfilled_trend_records(kafka, tmp_path):
    posts, truth = tmp_path / "surge.jsonl", tmp_path / "truth.json"
    subprocess.run([sys.executable, "-m", "deinfluence", "generate", "--scenario", "sharp_surge",
                    "--truth", str(truth), "--out", str(posts)], check=True, cwd=REPO,
                   stdin=subprocess.DEVNULL)
    out = tmp_path / "bf"
    subprocess.run([sys.executable, "-m", "deinfluence", "backfill", str(posts), "--out", str(out),
                    "--quiet"], check=True, cwd=REPO, env=os.environ, stdin=subprocess.DEVNULL)
    expected_aggs = {}
    for line in (out / "aggregates.jsonl").read_bytes().splitlines():
        r = orjson.loads(line)
        expected_aggs[f"{r['key_type']}|{r['key']}|{r['window']}|{r['window_start']}"] = r
    expected_trends = [orjson.loads(line) for line in (out / "trends.jsonl").read_bytes().splitlines()]
    surge = json.loads(truth.read_text())["episodes"][0]
    assert any(t["key"] == surge["key"] and t["direction"] == "up" for t in expected_trends)

    reset_topics(kafka.bootstrap)
    worker = Worker(kafka.bootstrap, tmp_path / "w1", unique_app_id()).start()
    try:
        produce(kafka.bootstrap, posts.read_bytes().splitlines())
        latest = wait_for_equal(kafka.bootstrap, expected_aggs, timeout=300, alive=worker.alive)
        assert latest == expected_aggs, describe_difference(latest, expected_aggs)
        streamed = [orjson.loads(v) for _, v in read_topic(kafka.bootstrap, topics.TRENDS)]
        assert any(t["key"] == surge["key"] and t["direction"] == "up" for t in streamed)
        key = lambda t: (t["key_type"], t["key"], t["window_size"], t["window_start"], t["direction"])  # noqa: E731
        assert {key(t): t for t in streamed} == {key(t): t for t in expected_trends}
    finally:
        worker.stop()
