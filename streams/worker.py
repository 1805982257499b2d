"""Start one worker process: build the runtime, register agents and web views, run Faust."""

from __future__ import annotations

import logging
import time
from typing import Any

from deinfluence.errors import ConfigError, KafkaError
from deinfluence.settings import Settings
from deinfluence.streams import gctime

log = logging.getLogger(__name__)


def build(settings: Settings):  # type: ignore[no-untyped-def]
    """The runtime with agents and HTTP views registered (used by tests and ``run_worker``)."""
    from deinfluence.components import make_detector
    from deinfluence.streams.agents import Agents
    from deinfluence.streams.app import Runtime
    from deinfluence.streams.health import register_views
    from deinfluence.streams.metrics import WorkerMetrics

    rt = Runtime(settings, detector=make_detector(settings))
    rt.metrics = WorkerMetrics.from_settings(settings)
    Agents(rt)
    register_views(rt.app, rt.metrics, rt.metrics.health)
    return rt


def preflight(settings: Settings) -> Settings:
    """Check the topics before Faust starts; adopt the partition count of ``posts.raw``.

    Tables are co-partitioned with their source topics, so the changelogs Faust creates
    must have as many partitions as ``posts.raw`` and the internal topics.
    """
    from confluent_kafka.admin import AdminClient

    from deinfluence.streams import topics
    from deinfluence.streams.kafka import confluent_config

    admin = AdminClient(confluent_config(settings))
    try:
        meta = admin.list_topics(timeout=15)
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
    _create_changelogs(admin, meta, settings)
    return settings


CHANGELOG_TABLES = ("source", "combine", "rollup")


def _create_changelogs(admin: Any, meta: Any, settings: Settings) -> None:
    """Create the tables' changelog topics before Faust starts.

    Faust creates them itself at start-up, but the consumer's metadata can miss a topic
    created a moment before the first group join; the assignor then "ignores the missing
    topic" at every later rebalance and that table is never recovered when partitions move.
    Created here, they exist before any consumer looks.
    """
    from confluent_kafka.admin import NewTopic

    wanted = [f"{settings.app_id}-{table}-changelog" for table in CHANGELOG_TABLES]
    new = [NewTopic(name, settings.partitions, settings.replication_factor,
                    config={"cleanup.policy": "compact"})
           for name in wanted if name not in meta.topics]
    for name, future in (admin.create_topics(new, operation_timeout=30).items() if new else []):
        try:
            future.result()
        except Exception as exc:  # another worker of the group created it first
            if "TOPIC_ALREADY_EXISTS" not in str(exc):
                raise KafkaError(f"cannot create changelog topic {name}: {exc}") from exc
    deadline = time.monotonic() + 30
    while not all(_has_leaders(admin, name) for name in wanted):
        if time.monotonic() > deadline:
            raise KafkaError(f"changelog topics {wanted} have no partition leaders after 30 s")
        time.sleep(0.2)
    for name in wanted:
        n = len(admin.list_topics(name, timeout=10).topics[name].partitions)
        if n != settings.partitions:
            raise ConfigError(f"changelog {name} has {n} partitions, the source topics "
                              f"{settings.partitions}: delete it so it is rebuilt")


def _has_leaders(admin: Any, name: str) -> bool:
    topic = admin.list_topics(name, timeout=10).topics.get(name)
    return bool(topic and topic.partitions and not topic.error
                and all(p.leader >= 0 for p in topic.partitions.values()))


def _dumping_worker_class() -> Any:
    from faust.worker import Worker

    class DumpingWorker(Worker):  # type: ignore[misc]
        """``kill -USR1`` prints every task's full await chain (see streams.diagnostics)."""

        async def _cry(self) -> None:
            from deinfluence.streams import diagnostics

            diagnostics.dump(self.stderr)

    return DumpingWorker


# CPython's cyclic GC runs a young collection every 700 container allocations; a busy worker
# allocates millions per second (decoded posts, routed bundles) on top of a heap of table
# state, so collections, and the full ones they cascade into, took a large share of the event
# loop. py-spy charged it to whatever allocated (orjson decoding the routed bundles: 2.7 us per
# post alone, 14 us in the worker). With these thresholds: 7,843 to 8,352 posts/s against
# 6,064 to 7,551 with CPython's defaults (docs/performance.md). Memory is unchanged: the
# pipeline makes almost no reference cycles, which is all the GC frees. No collection starts
# inside a stage's synchronous stretch of a batch (streams.gctime, DEINFLUENCE_GC_PAUSE).
GC_THRESHOLDS = (50_000, 50, 100)


def run_worker(settings: Settings) -> int:
    import gc

    gc.set_threshold(*GC_THRESHOLDS)
    DumpingWorker = _dumping_worker_class()  # noqa: N806 - a class
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings = preflight(settings)
    rt = build(settings)
    gctime.configure(settings.gc_pause)
    clock = gctime.GcClock(rt.metrics.gc_collection)
    loop = None
    try:
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        pass
    from deinfluence.streams import topics

    rt.output.start([topics.CLASSIFIED, topics.DEADLETTER, *topics.INTERNAL, topics.AGGREGATES,
                     topics.TRENDS])
    worker = DumpingWorker(rt.app, loglevel=settings.log_level, quiet=True, loop=loop)
    # Faust's terminal spinner sets the root logger to DEBUG (faust.worker
    # `_setup_spinner_handler`) whenever the level is WARN or above: every log.debug call
    # in aiokafka and Faust (one per produced message) then builds a LogRecord. About 10%
    # of the worker's CPU under load (py-spy, docs/performance.md); no spinner, no DEBUG.
    worker.spinner = None
    log.info("worker starting: bootstrap=%s web=%s:%s", settings.bootstrap, settings.web_host,
             settings.web_port)
    if settings.standby_without_effect():
        log.warning("DEINFLUENCE_STANDBY_REPLICAS=%s with %s: each copy costs its worker CPU per "
                    "state write, and none is used when partitions move (Faust's in-memory store "
                    "rebuilds a moved partition from the start of its changelog); auto sets 0 here",
                    settings.standby_replicas, settings.store)
    try:
        worker.execute_from_commandline()
    finally:  # after Faust stopped the agents: deliver what they queued, stop the thread
        clock.close()
        rt.output.close()
        if rt.raw_reader is not None:
            rt.raw_reader.close()
    return 0
