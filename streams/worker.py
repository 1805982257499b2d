"""Start one worker process: build the runtime, register agents and web views, run Faust."""

from __future__ import annotations

import logging

from deinfluence.settings import Settings

log = logging.getLogger(__name__)


def build(settings: Settings):  # type: ignore[no-untyped-def]
    """The runtime with agents and HTTP views registered (used by tests and ``run_worker``)."""
    from deinfluence.components import make_detector
    from deinfluence.streams.agents import Agents
    from deinfluence.streams.app import Runtime
    from deinfluence.streams.web import register_views

    rt = Runtime(settings, detector=make_detector(settings))
    Agents(rt)
    register_views(rt)
    return rt


def run_worker(settings: Settings) -> int:
    from faust.worker import Worker

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    rt = build(settings)
    loop = None
    try:
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        pass
    worker = Worker(rt.app, loglevel=settings.log_level, quiet=True, loop=loop)
    log.info("worker starting: bootstrap=%s web=%s:%s", settings.bootstrap, settings.web_host,
             settings.web_port)
    worker.execute_from_commandline()
    return 0
