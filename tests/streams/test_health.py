"""Health flags and the HTTP views that serve them and /metrics."""

from __future__ import annotations

import asyncio

import faust
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from deinfluence.streams.health import Health, add_routes, register_views
from deinfluence.streams.metrics import WorkerMetrics


def test_ready_only_after_assignment_and_recovery() -> None:
    health = Health()
    assert health.live and not health.ready
    health.partitions_assigned()
    assert not health.ready
    health.recovery_completed()
    assert health.ready and health.reasons() == []
    health.rebalance_started()
    assert not health.ready and "partitions_assigned: rebalancing" in health.reasons()


def test_not_live_is_not_ready() -> None:
    health = Health(required=())
    health.set_live(False, "consumer crashed")
    assert not health.live and not health.ready
    assert health.reasons() == ["not live: consumer crashed"]


async def _get_all(health: Health, metrics: WorkerMetrics) -> dict[str, tuple[int, bytes]]:
    app = web.Application()
    add_routes(app.router, metrics, health)
    async with TestClient(TestServer(app)) as client:
        out = {}
        for path in ("/metrics", "/health/live", "/health/ready"):
            response = await client.get(path)
            out[path] = (response.status, await response.read())
        return out


def test_http_views_answer_with_status_codes_and_the_exposition() -> None:
    health = Health()
    metrics = WorkerMetrics(health=health, process_metrics=False)
    metrics.rebalance()
    before = asyncio.run(_get_all(health, metrics))
    health.partitions_assigned()
    health.recovery_completed()
    after = asyncio.run(_get_all(health, metrics))
    assert before["/health/live"][0] == 200 and before["/health/ready"][0] == 503
    assert b"deinfluence_worker_ready 0.0" in before["/metrics"][1]
    assert b"deinfluence_rebalances_total 1.0" in before["/metrics"][1]
    assert after["/health/ready"] == (200, b'{"live":true,"ready":true,"reasons":[]}')
    assert b"deinfluence_worker_ready 1.0" in after["/metrics"][1]


def test_views_register_on_the_faust_web_server(tmp_path) -> None:
    app = faust.App("health-test", broker="kafka://127.0.0.1:19299", datadir=str(tmp_path))
    register_views(app, WorkerMetrics(process_metrics=False), Health())
    paths = {r.resource.canonical for r in app.web.web_app.router.routes() if r.method == "GET"}
    assert {"/metrics", "/health/live", "/health/ready"} <= paths
