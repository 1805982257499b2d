"""The agents: each reads like a sentence; the logic lives in ``processors``.

classify (posts.raw, per raw partition p)  -> posts.classified, posts.deadletter,
                                              deinfluence.routed (by post_id)
combine  (deinfluence.routed, per q)       -> deinfluence.partials (by key)
rollup   (deinfluence.partials, per r)     -> deinfluence.aggregates, deinfluence.trends

The first two await the broker's acknowledgement of everything a batch produced before
storing the batch's progress (see ``processors.combine`` for why that makes counts exact).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import faust
import orjson

from deinfluence.processors.batch import late_deadletter, prepare_batch
from deinfluence.processors.eventtime import last_position
from deinfluence.processors.pipeline import detect
from deinfluence.processors.rollup import SourceReport
from deinfluence.processors.source import routed_post
from deinfluence.schemas.aggregate import kafka_key
from deinfluence.streams import bundles, topics
from deinfluence.streams.app import Runtime, use_event

log = logging.getLogger(__name__)
Events = Sequence[faust.types.EventT]


def by_partition(events: Events) -> dict[int, list[faust.types.EventT]]:
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
        self._register(rt.app, rt.settings)

    def _register(self, app: faust.App, s: Any) -> None:
        rt = self.rt

        @app.agent(rt.raw, name="classify")
        async def classify(stream: faust.StreamT) -> None:
            async for events in stream.take_events(s.batch_size, within=s.batch_timeout):
                for p, evs in by_partition(events).items():
                    await self.classify_partition(p, evs)

        @app.agent(rt.routed, name="combine")
        async def combine(stream: faust.StreamT) -> None:
            async for events in stream.take_events(s.batch_size, within=s.batch_timeout):
                for q, evs in by_partition(events).items():
                    await self.combine_partition(q, evs)

        @app.agent(rt.partials, name="rollup")
        async def rollup(stream: faust.StreamT) -> None:
            async for events in stream.take_events(s.batch_size, within=s.batch_timeout):
                for r, evs in by_partition(events).items():
                    await self.rollup_partition(r, evs)

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

    async def classify_partition(self, p: int, events: Events) -> None:
        """Decode, classify, decide lateness; publish posts, dead letters and routed posts."""
        rt = self.rt
        use_event(events[-1])
        self.last_seen[p] = time.monotonic()
        fold = rt.source_fold(p)
        done = fold.progress_through()
        messages = [(e.message.offset, e.message.value) for e in events
                    if last_position(e.message.offset) > done]
        if not messages:
            return
        now_ms = int(time.time() * 1000)
        batch = prepare_batch(messages, rt.cfg.limits, rt.classifier, topics.RAW, p, now_ms)
        result = fold.process(batch.items, batch.through)
        pending = [await rt.send(topics.CLASSIFIED, it.post["post_id"].encode(), orjson.dumps(it.post))
                   for it in batch.items]
        dead = batch.deadletters + [late_deadletter(it, topics.RAW, p, now_ms) for it in result.late]
        pending += [await rt.send(topics.DEADLETTER, None, orjson.dumps(d)) for d in dead]
        posts = [(it.event_ms, routed_post(it.post)) for it in result.routed]
        pending += await self.route(p, result.watermark, False, posts)
        await asyncio.gather(*pending)
        fold.commit(result)

    async def route(self, p: int, watermark: int | None, idle: bool,
                    posts: list[tuple[int, dict[str, Any]]]) -> list[Any]:
        n_raw, n_routed = self.rt.partitions(topics.RAW), self.rt.partitions(topics.ROUTED)
        return [await self.rt.send(topics.ROUTED, str(p).encode(),
                                   bundles.encode_routed(p, watermark, idle, n_raw, part), q)
                for q, part in enumerate(bundles.route_posts(posts, n_routed))]

    async def combine_partition(self, q: int, events: Events) -> None:
        """Dedup and pre-aggregate routed posts; publish cumulative pane counts per key."""
        rt = self.rt
        use_event(events[-1])
        fold = rt.combine_fold(q)
        result = fold.process([bundles.decode_routed(e.message.offset, e.message.value) for e in events])
        report = SourceReport(q, result.through, result.watermark, False,
                              rt.partitions(topics.ROUTED), result.partials)
        n = rt.partitions(topics.PARTIALS)
        pending = [await rt.send(topics.PARTIALS, str(q).encode(), bundles.encode_report(part), r)
                   for r, part in enumerate(bundles.split_report(report, n))]
        await asyncio.gather(*pending)
        fold.commit(result)

    async def rollup_partition(self, r: int, events: Events) -> None:
        """Merge partials, publish final windows and corrections, run trend detection."""
        rt = self.rt
        use_event(events[-1])
        out = rt.rollup_fold(r).step([bundles.decode_report(e.message.value) for e in events])
        for record in out.final + out.corrections:
            await self.publish_aggregate(record)
        for trend in detect(rt.rollup_table, rt.detector, out.evaluations):
            key = f"{trend['key_type']}|{trend['key']}|{trend['window_size']}".encode()
            await rt.send(topics.TRENDS, key, orjson.dumps(trend))

    async def publish_aggregate(self, record: dict[str, Any]) -> None:
        await self.rt.send(topics.AGGREGATES, kafka_key(record).encode(), orjson.dumps(record))

    async def announce_idle_partitions(self) -> None:
        """Tell the next stage which raw partitions fell silent, so finality can move on."""
        rt = self.rt
        if rt.app.rebalancing:
            return
        now = time.monotonic()
        timeout = rt.settings.idle_timeout
        for p in rt.assigned(topics.RAW):
            quiet_since = self.last_seen.get(p, self.started)
            if now - quiet_since < timeout or now - self.idle_sent.get(p, 0.0) < max(timeout, 10.0):
                continue
            self.idle_sent[p] = now
            await asyncio.gather(*await self.route(p, rt.source_fold(p).watermark(), True, []))
