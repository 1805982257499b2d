"""The agents: each reads like a sentence; the logic lives in ``processors``."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Sequence

import faust
import orjson

from deinfluence.processors.batch import late_deadletter, prepare_batch
from deinfluence.processors.pipeline import detect
from deinfluence.processors.rollup import SourceReport
from deinfluence.schemas.aggregate import kafka_key
from deinfluence.streams import bundles, topics
from deinfluence.streams.app import Runtime, use_event

log = logging.getLogger(__name__)


def by_partition(events: Sequence[faust.types.EventT]) -> dict[int, list[faust.types.EventT]]:
    groups: dict[int, list[faust.types.EventT]] = defaultdict(list)
    for event in events:
        groups[event.message.partition].append(event)
    return groups


class Agents:
    """Registers the agents and timers of the pipeline on ``rt.app``."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.last_seen: dict[int, float] = {}
        self.idle_sent: dict[int, float] = {}
        self.started = time.monotonic()
        s = rt.settings
        app = rt.app

        @app.agent(rt.raw, name="ingest")
        async def ingest(stream: faust.StreamT) -> None:
            async for events in stream.take_events(s.batch_size, within=s.batch_timeout):
                for p, evs in by_partition(events).items():
                    await self.ingest_partition(p, evs)

        @app.agent(rt.partials, name="rollup")
        async def rollup(stream: faust.StreamT) -> None:
            async for events in stream.take_events(s.batch_size, within=s.batch_timeout):
                for q, evs in by_partition(events).items():
                    await self.rollup_partition(q, evs)

        @app.timer(interval=s.update_interval)
        async def publish_updates() -> None:
            for fold in rt.rollup_folds():
                for record in fold.take_pending():
                    await self.publish_aggregate(record)

        @app.timer(interval=max(0.5, s.idle_timeout / 3))
        async def announce_idle() -> None:
            await self.announce_idle_partitions()

        @app.on_partitions_revoked.connect
        async def on_revoked(app: faust.App, revoked: object, **kwargs: object) -> None:
            rt.forget_folds()

        @app.on_partitions_assigned.connect
        async def on_assigned(app: faust.App, assigned: object, **kwargs: object) -> None:
            rt.forget_folds()
            self.started = time.monotonic()

    async def ingest_partition(self, p: int, events: Sequence[faust.types.EventT]) -> None:
        """Decode, classify, count; publish; then record progress (see processors.ingest)."""
        rt = self.rt
        use_event(events[-1])
        self.last_seen[p] = time.monotonic()
        fold = rt.ingest_fold(p)
        done = fold.progress_through()
        messages = [(e.message.offset, e.message.value) for e in events
                    if (e.message.offset + 1) * 4096 - 1 > done]
        if not messages:
            return
        now_ms = int(time.time() * 1000)
        batch = prepare_batch(messages, rt.cfg.limits, rt.classifier, topics.RAW, p, now_ms)
        result = fold.process(batch.items, batch.through)
        futures = [await rt.send(topics.CLASSIFIED, it.post["post_id"].encode(), orjson.dumps(it.post))
                   for it in batch.items]
        dead = batch.deadletters + [late_deadletter(it, topics.RAW, p, now_ms) for it in result.late]
        futures += [await rt.send(topics.DEADLETTER, None, orjson.dumps(d)) for d in dead]
        report = SourceReport(p, result.through, result.watermark, False,
                              rt.partitions(topics.RAW), result.partials)
        futures += await self.send_report(report)
        await asyncio.gather(*futures)  # every output is acknowledged before progress is
        fold.commit(result)

    async def send_report(self, report: SourceReport) -> list[asyncio.Future[object]]:
        n = self.rt.partitions(topics.PARTIALS)
        return [await self.rt.send(topics.PARTIALS, str(report.source).encode(), bundles.encode(part), q)
                for q, part in enumerate(bundles.split(report, n))]

    async def rollup_partition(self, q: int, events: Sequence[faust.types.EventT]) -> None:
        """Merge partials, publish final windows and corrections, run trend detection."""
        rt = self.rt
        use_event(events[-1])
        reports = [bundles.decode(e.message.value) for e in events]
        out = rt.rollup_fold(q).step(reports)
        for record in out.final + out.corrections:
            await self.publish_aggregate(record)
        for trend in detect(rt.rollup_table, rt.detector, out.evaluations):
            key = f"{trend['key_type']}|{trend['key']}|{trend['window_size']}".encode()
            await rt.send(topics.TRENDS, key, orjson.dumps(trend))

    async def publish_aggregate(self, record: dict[str, object]) -> None:
        await self.rt.send(topics.AGGREGATES, kafka_key(record).encode(), orjson.dumps(record))

    async def announce_idle_partitions(self) -> None:
        """Tell the roll-up stage which raw partitions fell silent, so finality can move on."""
        rt = self.rt
        if rt.app.rebalancing:
            return
        now = time.monotonic()
        timeout = rt.settings.idle_timeout
        for p in rt.assigned(topics.RAW):
            quiet_since = self.last_seen.get(p, self.started)
            if now - quiet_since < timeout or now - self.idle_sent.get(p, 0.0) < max(timeout, 10.0):
                continue
            fold = rt.ingest_fold(p)
            report = SourceReport(p, fold.progress_through(), fold.watermark(), True,
                                  rt.partitions(topics.RAW))
            self.idle_sent[p] = now
            await asyncio.gather(*await self.send_report(report))
