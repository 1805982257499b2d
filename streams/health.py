"""Liveness and readiness of the worker, and the HTTP views that serve them and ``/metrics``.

``/health/live`` answers 200 while the process is able to work (a failure here means
"restart me"); ``/health/ready`` answers 200 only after partitions are assigned and
tables recovered (a failure means "do not count on me yet", e.g. during a rebalance).
Both answer JSON ``{"live": bool, "ready": bool, "reasons": [...]}`` and 503 when the
flag is false.

The worker wires Faust's signals to :class:`Health` and registers the views on Faust's
aiohttp web server::

    health = Health()
    app.on_partitions_revoked.connect(lambda sender, revoked, **kw: health.rebalance_started())
    app.on_partitions_assigned.connect(lambda sender, assigned, **kw: health.partitions_assigned())
    app.on_rebalance_complete.connect(lambda sender, **kw: health.recovery_completed())
    register_views(app, metrics, health)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

if TYPE_CHECKING:
    from deinfluence.streams.metrics import WorkerMetrics

ASSIGNED = "partitions_assigned"
RECOVERED = "tables_recovered"
Handler = Callable[[web.Request], Awaitable[web.Response]]


class Health:
    """Live and ready flags with the reasons they are false.

    Ready means every required condition is satisfied; a condition is withdrawn with a
    reason (e.g. ``rebalancing``). Live is false only after :meth:`set_live` said so.
    """

    def __init__(self, required: tuple[str, ...] = (ASSIGNED, RECOVERED)) -> None:
        self._unmet: dict[str, str] = {c: "not yet" for c in required}
        self._dead: str | None = None

    @property
    def live(self) -> bool:
        return self._dead is None

    @property
    def ready(self) -> bool:
        return self.live and not self._unmet

    def reasons(self) -> list[str]:
        """Why the worker is not live or not ready (empty when it is both)."""
        out = [f"{c}: {why}" for c, why in sorted(self._unmet.items())]
        return ([f"not live: {self._dead}"] if self._dead is not None else []) + out

    def satisfy(self, condition: str) -> None:
        self._unmet.pop(condition, None)

    def withdraw(self, condition: str, reason: str) -> None:
        self._unmet[condition] = reason

    def set_live(self, live: bool, reason: str = "") -> None:
        """Mark the process (un)able to work; ``reason`` explains a ``False``."""
        self._dead = None if live else (reason or "unknown")

    # Faust callbacks ------------------------------------------------------------------

    def rebalance_started(self) -> None:
        """Partitions revoked: not ready until assigned and recovered again."""
        self.withdraw(ASSIGNED, "rebalancing")
        self.withdraw(RECOVERED, "rebalancing")

    def partitions_assigned(self) -> None:
        self.satisfy(ASSIGNED)

    def recovery_completed(self) -> None:
        self.satisfy(RECOVERED)

    def snapshot(self) -> dict[str, Any]:
        return {"live": self.live, "ready": self.ready, "reasons": self.reasons()}


def _status(health: Health, ok: bool) -> web.Response:
    return web.Response(
        body=orjson.dumps(health.snapshot()),
        status=200 if ok else 503,
        content_type="application/json",
    )


def handlers(metrics: WorkerMetrics, health: Health) -> dict[str, Handler]:
    """Plain aiohttp handlers by path: ``/metrics``, ``/health/live``, ``/health/ready``."""

    async def metrics_handler(request: web.Request) -> web.Response:
        return web.Response(
            body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4}
        )

    async def live_handler(request: web.Request) -> web.Response:
        return _status(health, health.live)

    async def ready_handler(request: web.Request) -> web.Response:
        return _status(health, health.ready)

    return {
        "/metrics": metrics_handler,
        "/health/live": live_handler,
        "/health/ready": ready_handler,
    }


def add_routes(router: web.UrlDispatcher, metrics: WorkerMetrics, health: Health) -> None:
    """Add the three GET routes to an aiohttp router (``app.web.web_app.router`` in Faust)."""
    for path, handler in handlers(metrics, health).items():
        router.add_get(path, handler)


def register_views(app: Any, metrics: WorkerMetrics, health: Health) -> None:
    """Register the three views on a Faust app's web server (``app.page`` per path)."""
    for path, handler in handlers(metrics, health).items():
        app.page(path, name=path.strip("/").replace("/", "_"))(_as_view_method(handler))


def _as_view_method(handler: Handler) -> Callable[[Any, web.Request], Awaitable[web.Response]]:
    # Faust builds a View class whose `get(self, request)` is the decorated function.
    async def get(view: Any, request: web.Request) -> web.Response:
        return await handler(request)

    get.__name__ = handler.__name__
    return get
