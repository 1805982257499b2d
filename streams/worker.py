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


def preflight(settings: Settings) -> Settings:
    """Check the topics before Faust starts; adopt the partition count of ``posts.raw``.

    Tables are co-partitioned with their source topics, so the changelogs Faust creates
    must have as many partitions as ``posts.raw`` and the internal topics.
    """
    from confluent_kafka.admin import AdminClient

    from deinfluence.errors import ConfigError, KafkaError
    from deinfluence.streams import topics
    from deinfluence.streams.kafka import confluent_config

    try:
        meta = AdminClient(confluent_config(settings)).list_topics(timeout=15)
    except Exception as exc:  # confluent_kafka raises KafkaException and plain errors
        raise KafkaError(f"cannot reach Kafka at {settings.bootstrap}: {exc}") from exc
    missing = [t for t in (topics.RAW, *topics.INTERNAL) if t not in meta.topics]
    if missing:
        raise ConfigError(f"topics {missing} do not exist on {settings.bootstrap}: "
                          "run `deinfluence topics create` first")
    raw = len(meta.topics[topics.RAW].partitions)
    for internal in topics.INTERNAL:
        n = len(meta.topics[internal].partitions)
        if n != raw:
            raise ConfigError(f"{topics.RAW} has {raw} partitions but {internal} has {n}: they "
                              "must match (delete the internal topic and run `topics create`)")
    if raw != settings.partitions:
        log.info("adopting %d partitions from %s (DEINFLUENCE_PARTITIONS=%d)", raw, topics.RAW,
                 settings.partitions)
        settings = settings.model_copy(update={"partitions": raw})
    return settings


def run_worker(settings: Settings) -> int:
    from faust.worker import Worker

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings = preflight(settings)
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
