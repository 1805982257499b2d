"""HTTP endpoints on Faust's web server: ``/metrics``, ``/health/live``, ``/health/ready``."""

from __future__ import annotations

from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest


def register_views(rt: Any) -> None:
    app = rt.app

    @app.page("/metrics")
    async def metrics(web: Any, request: Any) -> Any:
        return web.bytes(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    @app.page("/health/live")
    async def live(web: Any, request: Any) -> Any:
        return web.json({"live": True})

    @app.page("/health/ready")
    async def ready(web: Any, request: Any) -> Any:
        recovered = app.tables.recovery.completed.is_set()
        ok = recovered and not app.rebalancing
        return web.json({"ready": ok, "recovered": recovered, "rebalancing": app.rebalancing},
                        status=200 if ok else 503)
