"""End to end: Kafka, a real worker, a real Prometheus scraping it; every panel has data.

Replays the labelled dev set (plus a few malformed messages, for the dead-letter panels)
into ``posts.raw``, lets Prometheus (Debian's binary, 1 s scrapes) scrape the worker's
``/metrics``, then runs every panel query of every dashboard with ``$__rate_interval``
and the dashboard variables substituted (``.*``, Grafana's "All") and expects data.

Needs the session broker fixture ``kafka_bootstrap`` of tests/integration/conftest.py and
the worker wired to ``streams.metrics.WorkerMetrics`` / ``streams.health``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from deinfluence.promcheck import PrometheusServer, check_panel_queries, free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
RULES = sorted((ROOT / "deploy" / "prometheus" / "rules").glob("*.yml"))
PORTS = (19200, 19300)
MALFORMED = [b"not json", b"[]", b'{"post_id": 1, "platform": "tiktok"}']


def _require(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.fail(f"{binary} not found: install Debian's `prometheus` package")
    return path


@pytest.fixture(scope="module")
def bootstrap(request: pytest.FixtureRequest) -> str:
    try:
        return str(request.getfixturevalue("kafka_bootstrap"))
    except pytest.FixtureLookupError:
        pytest.skip("the session broker fixture `kafka_bootstrap` is not defined yet")


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    (ROOT / ".local").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="prometheus-e2e-", dir=ROOT / ".local"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@pytest.fixture(scope="module")
def sent(bootstrap: str, dev_set: Path) -> int:
    """Messages replayed into posts.raw before the worker starts (it reads from the start)."""
    return _replay(bootstrap, dev_set)


@pytest.fixture(scope="module")
def worker(bootstrap: str, workdir: Path, sent: int) -> Iterator[str]:
    """host:port of a running worker's web server, once /health/ready answers 200."""
    port = free_port(*PORTS)
    env = {
        **os.environ,
        "DEINFLUENCE_BOOTSTRAP": bootstrap,
        "DEINFLUENCE_DATA_DIR": str(workdir / "worker"),
        "DEINFLUENCE_WEB_PORT": str(port),
        "DEINFLUENCE_APP_ID": f"prometheus-e2e-{os.getpid()}",
        "DEINFLUENCE_UPDATE_INTERVAL": "1",
        "DEINFLUENCE_IDLE_TIMEOUT": "3",
    }
    log = (workdir / "worker.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "deinfluence", "worker"], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while _get(f"http://127.0.0.1:{port}/health/ready") != 200:
            assert process.poll() is None, (workdir / "worker.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "worker not ready after 120 s"
            time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _replay(bootstrap: str, dev_set: Path) -> int:
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    lines = [line for line in dev_set.read_bytes().splitlines() if line.strip()]
    for line in lines + MALFORMED:
        producer.produce("posts.raw", line)
    assert producer.flush(30) == 0
    return len(lines) + len(MALFORMED)


def test_every_panel_query_returns_data_from_the_worker(
    worker: str, workdir: Path, sent: int
) -> None:
    server = PrometheusServer([worker], free_port(*PORTS), workdir / "prometheus",
                              rule_files=RULES, binary=_require("prometheus"))
    with server:
        consumed = f'sum(deinfluence_posts_consumed_total{{topic="posts.raw"}}) >= {sent}'
        assert server.wait_for(consumed, 120), server.query("deinfluence_posts_consumed_total")
        published = 'sum(deinfluence_messages_published_total{topic="deinfluence.aggregates"}) > 0'
        assert server.wait_for(published, 60)
        time.sleep(5)  # a few more scrapes, so every rate window holds an increase
        failed, empty = check_panel_queries(server, DASHBOARDS, all_values=True)
        assert failed == [], failed
        assert empty == [], empty
        assert set(server.rule_health().values()) == {"ok"}
