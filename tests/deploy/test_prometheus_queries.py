"""Every dashboard panel query returns data from a real Prometheus scraping our metrics.

The target is a stand-in HTTP server that serves WorkerMetrics after sample traffic (the
worker-based variant is tests/integration/test_prometheus_e2e.py). Prometheus is Debian's
binary, scraping every second; the test stops both before returning.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deinfluence.promcheck import PrometheusServer, check_panel_queries, free_port
from tests.deploy.metrics_traffic import exercise, fresh_metrics
from tests.deploy.prombinary import require_binary

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
RULES = sorted((ROOT / "deploy" / "prometheus" / "rules").glob("*.yml"))
PORTS = (19200, 19300)


@pytest.fixture(scope="module")
def metrics_target() -> Iterator[str]:
    """host:port of an HTTP server whose /metrics advances the sample traffic per scrape."""
    metrics = fresh_metrics()
    lock = threading.Lock()
    state = {"step": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with lock:
                state["step"] += 1
                exercise(metrics, state["step"])
                body = metrics.render()
            self.send_response(200 if self.path == "/metrics" else 404)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port(*PORTS)), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def prometheus(metrics_target: str) -> Iterator[PrometheusServer]:
    binary = require_binary("prometheus")
    (ROOT / ".local").mkdir(exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="prometheus-test-", dir=ROOT / ".local"))
    try:
        server = PrometheusServer([metrics_target], free_port(*PORTS), data_dir,
                                  rule_files=RULES, binary=binary)
        with server:
            assert server.wait_for('count_over_time(up{job="deinfluence-worker"}[1m]) >= 4', 30), (
                server.log_tail())
            yield server
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_every_panel_query_returns_data(prometheus: PrometheusServer) -> None:
    failed, empty = check_panel_queries(prometheus, DASHBOARDS, all_values=True)
    assert failed == [] and empty == []


def test_panel_queries_are_valid_for_a_single_variable_value(prometheus: PrometheusServer) -> None:
    failed, empty = check_panel_queries(prometheus, DASHBOARDS, all_values=False)
    assert failed == []
    assert empty == []


def test_rules_evaluate_without_errors(prometheus: PrometheusServer) -> None:
    assert prometheus.wait_for("deinfluence:messages_consumed:rate5m", 20)
    health = prometheus.rule_health()
    assert len(health) >= 20 and set(health.values()) == {"ok"}
