"""The Faust app: topics, tables and the shared :class:`Runtime` the agents call into."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable
from typing import Any

import faust
from faust.streams import _current_event

from deinfluence.components import make_classifier, pipeline_config
from deinfluence.processors.classify import Classifier
from deinfluence.processors.combine import CombineFold
from deinfluence.processors.pipeline import TrendDetectorLike
from deinfluence.processors.rollup import PartitionRollup
from deinfluence.processors.source import SourceFold
from deinfluence.settings import Settings
from deinfluence.streams import topics
from deinfluence.streams.bundles import partition_for
from deinfluence.streams.faustfixes import DurableTable, SeekFirstTableManager
from deinfluence.streams.metrics import WorkerMetrics
from deinfluence.streams.output import Delivery, OutputProducer

log = logging.getLogger(__name__)
SESSION_TIMEOUT_S = 20.0


def make_app(settings: Settings) -> faust.App:
    """A Faust app configured from settings (nothing is started)."""
    from deinfluence.streams.kafka import faust_broker_kwargs

    return faust.App(
        settings.app_id,
        **faust_broker_kwargs(settings),
        store=settings.store,
        datadir=str(settings.data_dir),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        web_host=settings.web_host,
        web_bind=settings.web_host,  # Faust binds web_bind (default 0.0.0.0), not web_host
        web_port=settings.web_port,
        web_in_thread=False,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        # Faust's own producer writes little (its table changelogs go through self.output)
        producer_compression_type=None if settings.compression == "none" else settings.compression,
        broker_commit_interval=settings.commit_interval,  # and eagerly: Agents.commit_if_caught_up
        # Faust's default is 60 s. With it, a worker started right after another member of the
        # group left read nothing for 30 s and more in 3 of 3 runs of the stall-guard test
        # (after the back-pressure test); with 20 s, in 1 of 5 (README, "Known defect").
        # Cause not found. 20 s still allows six missed heartbeats (every 3 s).
        broker_session_timeout=SESSION_TIMEOUT_S,
        # Faust's default: events its consumer buffers per stream before pausing the partition.
        # Not tied to the batch size: with the raw reader these events are routed and partials
        # bundles of up to hundreds of posts each (``streams.bundles``), and a batch is cut by
        # ``batch_timeout`` long before it holds thousands of them.
        stream_buffer_maxsize=4096,
        autodiscover=False,
        table_cleanup_interval=3600.0,
        table_standby_replicas=settings.standby_copies(),  # auto: 1 with rocksdb, 0 in memory
        logging_config=None,
        TableManager=SeekFirstTableManager,  # see streams.faustfixes
        Table=DurableTable,  # ditto: changelog writes the agents can await
    )


class Runtime:
    """Topics, tables and per-partition folds shared by the agents of one worker."""

    def __init__(
        self, settings: Settings, classifier: Classifier | None = None,
        detector: TrendDetectorLike | None = None,
    ) -> None:
        self.settings = settings
        self.cfg = pipeline_config(settings)
        self.classifier = classifier or make_classifier(settings)
        self.detector = detector
        self.app = make_app(settings)
        raw = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw", "value_serializer": "raw"}
        self.raw = self.app.topic(topics.RAW, **raw)
        self.routed = self.app.topic(topics.ROUTED, **raw)
        self.partials = self.app.topic(topics.PARTIALS, **raw)
        table = {"key_type": str}  # keys and values use the app default: json (orjson)
        self.source_table = self.app.Table("source", help="watermark per raw partition", **table)
        self.combine_table = self.app.Table("combine", help="dedup and pane counts", **table)
        self.rollup_table = self.app.Table("rollup", help="per key pane counts and trend state", **table)
        self.metrics = WorkerMetrics(process_metrics=False)  # worker.build sets the real one
        # the agents' records and the tables' changelogs go through librdkafka
        # (streams.output), under Faust's client id so that a broker quota on the worker
        # covers them
        self.output = OutputProducer(settings, client_id=str(self.app.conf.broker_client_id))
        # Faust checks source/changelog co-partitioning against consumer metadata that may
        # not list a just-created changelog yet (a race that crash-loops the agent); the
        # worker checks partition counts itself at start-up instead (streams.worker).
        for table_, topic in ((self.source_table, topics.RAW), (self.combine_table, topics.ROUTED),
                              (self.rollup_table, topics.PARTIALS)):
            table_._verified_source_topics_for_partitions.add(topic)
            table_.output = self.output  # its changelog records through librdkafka too (faustfixes)
        self.raw_reader: Any = None  # streams.rawinput.RawReader when posts.raw is read directly
        self._source: dict[int, SourceFold] = {}
        self._combine: dict[int, CombineFold] = {}
        self._rollup: dict[int, PartitionRollup] = {}

    async def drain_tables(self) -> None:
        """Wait for the changelog writes of the batch (see ``faustfixes.DurableTable``)."""
        for table in (self.source_table, self.combine_table, self.rollup_table):
            await table.drain()  # type: ignore[attr-defined]

    def source_fold(self, p: int) -> SourceFold:
        fold = self._source.get(p)
        if fold is None:
            fold = self._source[p] = SourceFold(p, self.source_table, self.cfg.eventtime)
        return fold

    def combine_fold(self, q: int) -> CombineFold:
        fold = self._combine.get(q)
        if fold is None:
            fold = self._combine[q] = CombineFold(q, self.combine_table, self.cfg.eventtime)
        return fold

    def rollup_fold(self, r: int) -> PartitionRollup:
        fold = self._rollup.get(r)
        if fold is None:
            n = self.partitions(topics.PARTIALS)
            fold = self._rollup[r] = PartitionRollup(
                r, self.rollup_table, self.cfg.eventtime, self.cfg.windows,
                owns=lambda key: partition_for(key, n) == r,
            )
        return fold

    def rollup_folds(self) -> Iterable[PartitionRollup]:
        return list(self._rollup.values())

    def forget_folds(self) -> None:
        """After a rebalance the tables may hold other partitions' state: rebuild lazily."""
        self._source.clear()
        self._combine.clear()
        self._rollup.clear()

    def partitions(self, topic: str) -> int:
        n = self.app.consumer.topic_partitions(topic)
        return n if n else self.settings.partitions

    def assigned(self, topic: str) -> list[int]:
        return sorted(tp.partition for tp in self.app.consumer.assignment() if tp.topic == topic)

    @property
    def last_ack(self) -> float:
        """Monotonic time of the last acknowledged output record (the watchdog's progress)."""
        return self.output.last_ack

    def outputs(self, progress: bool = True) -> Delivery:
        """A new batch of output records: ``await out.send(topic, key, value[, partition])``
        for each, then ``await out.acked()`` before the batch's progress is stored.
        Timers pass ``progress=False``: their acks are not progress of the input."""
        return self.output.delivery(progress)


def use_event(event: faust.types.EventT) -> None:
    """Make ``event`` current, so table writes go to its partition's changelog.

    ``take_events`` hands over events of many partitions at once while Faust's tables
    pick the changelog partition from the *current* event; the agents process one
    partition's events at a time and point the context at one of them.
    """
    _current_event.set(weakref.ref(event))
