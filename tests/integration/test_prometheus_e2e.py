"""End to end: Kafka, a real worker, a real Prometheus scraping it; every panel has data.

Replays the fixed test posts (valid, duplicated and malformed ones) into ``posts.raw``,
lets Prometheus (Debian's binary, 1 s scrapes, the project's rules loaded) scrape the
worker's ``/metrics``, then runs every panel query of every dashboard with
``$__rate_interval``/``$__range`` and the dashboard variables substituted (``.*``,
Grafana's "All") and expects a non-empty result from each.
"""

from __future__ import annotations

import shutil
import time

import orjson
import pytest

from deinfluence.promcheck import PrometheusServer, check_panel_queries
from tests.integration.harness import REPO, Worker, free_port, produce, reset_topics, unique_app_id

pytestmark = pytest.mark.integration
FIXED = REPO / "tests" / "data" / "posts-2k.jsonl"
DASHBOARDS = sorted((REPO / "deploy" / "grafana" / "dashboards").glob("*.json"))
RULES = sorted((REPO / "deploy" / "prometheus" / "rules").glob("*.yml"))
# "skip X, buy Y" posts for the redirect-flow panel; produced first, so never late
REDIRECTS = [
    orjson.dumps({"post_id": f"e2e-redirect-{i}", "platform": "tiktok",
                  "created_at": "2026-11-10T00:00:0{i}Z", "text": text, "lang": "en"})
    for i, text in enumerate([
        "Skip the Dyson Airwrap, the Shark FlexStyle does the same for half the price",
        "Don't buy the Stanley cup, get an Owala instead. Save your money #deinfluencing",
        "Not worth the hype: returned my Dyson Airwrap and bought the Shark FlexStyle",
    ])
]


@pytest.fixture
def clean(kafka):
    reset_topics(kafka.bootstrap)
    return kafka.bootstrap


def test_every_panel_query_returns_data_from_the_worker(clean, tmp_path):
    binary = shutil.which("prometheus")
    assert binary, "prometheus not found: install Debian's `prometheus` package"
    sent = produce(clean, REDIRECTS + FIXED.read_bytes().splitlines())
    worker = Worker(clean, tmp_path / "w1", unique_app_id()).start()
    server = PrometheusServer([f"127.0.0.1:{worker.port}"], free_port(), tmp_path / "prometheus",
                              rule_files=RULES, binary=binary)
    try:
        with server:
            consumed = f'sum(deinfluence_messages_consumed_total{{topic="posts.raw"}}) >= {sent}'
            assert server.wait_for(consumed, 120), worker.log()
            published = 'sum(deinfluence_messages_published_total{topic="deinfluence.aggregates"}) > 0'
            assert server.wait_for(published, 120), worker.log()
            final = "sum(deinfluence_end_to_end_latency_seconds_count) > 0"  # final windows out
            assert server.wait_for(final, 120), worker.log()
            time.sleep(5)  # a few more scrapes, so every rate window holds an increase
            failed, empty = check_panel_queries(server, DASHBOARDS, all_values=True)
            assert failed == [], failed
            assert empty == [], empty
            assert set(server.rule_health().values()) == {"ok"}
    finally:
        worker.stop()
