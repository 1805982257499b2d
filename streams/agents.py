"""The agents: each reads like a sentence; the logic lives in ``processors``.

classify (posts.raw, per raw partition p)  -> posts.classified, posts.deadletter,
                                              deinfluence.routed (by post_id)
combine  (deinfluence.routed, per q)       -> deinfluence.partials (by key)
rollup   (deinfluence.partials, per r)     -> deinfluence.aggregates, deinfluence.trends

Each stage awaits the broker's acknowledgement of everything a batch produced before
storing the batch's progress (see ``processors.combine`` for why that makes counts exact),
and reads its input contiguously from that stored progress, whatever offsets Faust
committed or delivered (``streams.continuity``). The records go through one librdkafka
producer per worker (``streams.output``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from typing import Any

import faust
import orjson
from faust.types import TP

from deinfluence.processors.batch import late_deadletter, prepare_batch
from deinfluence.processors.eventtime import last_position, next_offset
from deinfluence.processors.pipeline import detect
from deinfluence.processors.rollup import SourceReport
from deinfluence.processors.source import SourceResult, routed_post
from deinfluence.schemas.aggregate import kafka_key
from deinfluence.streams import (
    bundles,
    continuity,
    diagnostics,
    faustfixes,
    gctime,
    rawinput,
    topics,
    watchdog,
)
from deinfluence.streams.app import Runtime, use_event
from deinfluence.streams.output import Delivery

log = logging.getLogger(__name__)
STALLED_EXIT_CODE = 75
LEAVE_GROUP_TIMEOUT_S = 5.0
# fault injection for the stall guard's test (tests/integration/test_faults.py); never set it
# in production: once per data dir, the classify agent stops after this many raw messages
FAULT_STALL_ENV = "DEINFLUENCE_FAULT_STALL_AFTER_MESSAGES"
Events = Sequence[faust.types.EventT]


EAGER_COMMIT_SPACING = 0.2  # seconds between the starts of two commits of caught-up input


def trend_key(trend: dict[str, Any]) -> bytes:
    """Stable key of a trend record: a re-published alert lands on the same key."""
    return "|".join(str(trend.get(f)) for f in (
        "key_type", "key", "window_size", "window_start", "direction")).encode()


@contextlib.asynccontextmanager
async def guarded(what: str) -> AsyncIterator[None]:
    """A timer's failure is logged, never fatal: an exception in a Faust timer stops the app."""
    try:
        yield
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("timer %s failed; it runs again at its next interval", what)


def by_partition(events: Events) -> dict[int, list[faust.types.EventT]]:
    groups: dict[int, list[faust.types.EventT]] = defaultdict(list)
    for event in events:
        groups[event.message.partition].append(event)
    return groups


def records_may_wait(highwater: int | None, next_offset: int) -> bool:
    """True when records may wait: the highwater is unknown or beyond the next offset."""
    return highwater is None or highwater > next_offset


def leave_group(app: faust.App, timeout: float) -> bool:
    """Best effort: send the consumer group a LeaveGroup before the process exits.

    Without it the group waits for this member's session to time out (Faust's
    ``broker_session_timeout``, 20 s, ``streams.app``) before its replacement gets any partition. The request
    runs on the consumer thread's loop (aiokafka's coordinator lives there) and is given
    ``timeout`` seconds; a consumer stuck beyond that, or a broker that is down, only means
    the group falls back to the session timeout. Returns whether the request was sent.
    """
    try:
        thread = app.consumer._thread  # type: ignore[attr-defined]
        coordinator = thread._ensure_consumer()._coordinator
        future = asyncio.run_coroutine_threadsafe(coordinator._maybe_leave_group(), thread.thread_loop)
        future.result(timeout)
        return True
    except Exception as exc:  # noqa: BLE001 - exiting anyway; the session timeout is the fallback
        log.warning("could not leave the consumer group before exiting: %r", exc)
        return False


class Agents:
    """Registers the agents and timers of the pipeline on ``rt.app``."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.last_seen: dict[int, float] = {}
        self.idle_sent: dict[int, float] = {}
        self.started = time.monotonic()
        self.progress_at = time.monotonic()  # last batch processed by any agent
        self.assigned_at = time.monotonic()  # the current assignment's recovery completed
        self.advanced_at: dict[tuple[str, int], float] = {}  # (topic, partition) -> last read
        self.busy: set[str] = set()  # input topics whose agent is inside a batch
        self.read: dict[tuple[str, int], int] = {}  # (topic, partition) -> next offset to read
        self.end_offsets = watchdog.EndOffsets(rt.settings)
        self.gap_reader = continuity.GapReader(rt.settings)
        for topic in (topics.RAW, topics.ROUTED, topics.PARTIALS):
            rt.metrics.input_gap(topic, 0)  # the series exist from the start, so increase() sees a first gap
        self.resumed: set[tuple[str, int]] = set()  # (topic, partition) logged since assignment
        self._fault_limit = int(os.environ.get(FAULT_STALL_ENV) or 0)  # 0: no fault injection
        self._fault_messages = 0  # raw messages handled, for ``fault_stall``
        # posts.raw: read by librdkafka in batches (streams.rawinput) or by Faust's stream
        self.direct = rt.settings.raw_input == "direct"
        self.raw_reader = rt.raw_reader = rawinput.RawReader(rt.settings) if self.direct else None
        self.raw_lock = asyncio.Lock()  # one raw batch at a time; revocation waits for it
        self.raw_epoch = 0  # bumped by every (re)assignment of the reader: older reads are dropped
        self.raw_active: set[int] = set()  # raw partitions the reader serves now
        self.raw_committed: dict[int, int] = {}  # raw partition -> offset committed for monitoring
        self.anchors: dict[int, rawinput.Anchor] = {}  # the current event of each raw partition
        self._logged_rounds = False  # a read needing several rounds is logged once
        self._fetch_wait_set = False  # faustfixes.shorten_fetch_wait, once per worker
        self._eager_commit: asyncio.Task[None] | None = None  # see commit_if_caught_up
        self._eager_commit_at = 0.0  # when the last one started (monotonic)
        self._eager_again = False  # another batch caught up while one was in flight
        diagnostics.reporters.append(self.report)
        self._register(rt.app, rt.settings)

    def _register(self, app: faust.App, s: Any) -> None:
        rt = self.rt

        # one agent per stage, each a loop over micro-batches split by input partition;
        # ``need`` is the first input offset the stage's restored state has not seen
        for topic, name, handle, need in (
            (rt.raw, "classify", self.classify_events, self.raw_need),
            (rt.routed, "combine", self.combine_round,
             lambda q: next_offset(rt.combine_fold(q).progress()[0])),
            (rt.partials, "rollup", self.rollup_round,
             lambda r: rt.rollup_fold(r).next_offset),
        ):
            if topic is rt.raw and self.direct:
                # still subscribed, so the raw partitions are assigned with the source table's
                # changelog partitions; never fetched by Faust (streams.rawinput)
                app.agent(topic, name=name)(self._ignored)
            else:
                app.agent(topic, name=name)(self._batches(name, handle, need, s.batch_size, s.batch_timeout))

        if self.direct:
            @app.task
            async def read_raw() -> None:
                await self.read_raw(s.batch_size, s.batch_timeout)

            @app.timer(interval=s.commit_interval)
            async def commit_raw() -> None:
                async with guarded("commit_raw"):
                    await self.commit_raw_offsets()

        @app.timer(interval=s.update_interval)
        async def publish_updates() -> None:
            async with guarded("publish_updates"):
                out = rt.outputs(progress=False)
                for fold in rt.rollup_folds():
                    for record in fold.take_pending():
                        await self.publish_aggregate(out, record)
                await out.acked()  # a failed record is logged (``guarded``)

        @app.timer(interval=max(0.5, s.idle_timeout / 3))
        async def announce_idle() -> None:
            async with guarded("announce_idle"):
                await self.announce_idle_partitions()

        @app.timer(interval=5.0)
        async def watchdog() -> None:
            async with guarded("watchdog"):
                await self.check_stall()

        @app.timer(interval=5.0)
        async def sample_gauges() -> None:
            async with guarded("sample_gauges"):
                await self.sample_gauges()

        @app.on_partitions_revoked.connect
        async def on_revoked(app: faust.App, revoked: object, **kwargs: object) -> None:
            if self.direct:  # the raw batch in flight finishes first, then nothing more is read
                await self.assign_raw({})
            self.progress_at = time.monotonic()  # the watchdog times the rebalance from here
            rt.metrics.health.rebalance_started()
            rt.metrics.rebalance()
            rt.forget_folds()

        @app.on_partitions_assigned.connect
        async def on_assigned(app: faust.App, assigned: object, **kwargs: object) -> None:
            rt.forget_folds()
            self.resumed.clear()
            self.advanced_at.clear()
            self.started = self.assigned_at = time.monotonic()
            rt.metrics.health.partitions_assigned()
            if not self._fetch_wait_set:  # the consumer exists by now; its fetcher keeps the value
                self._fetch_wait_set = faustfixes.shorten_fetch_wait(app.consumer)
                if self._fetch_wait_set:
                    log.info("Faust's consumer: the broker holds a fetch at most %d ms",
                             faustfixes.FETCH_MAX_WAIT_MS)
                else:
                    log.warning("could not shorten the fetch wait of Faust's consumer (internals "
                                "changed?): combine and roll-up may be fed in bursts")

        @app.on_rebalance_complete.connect
        async def on_rebalance_complete(app: faust.App, **kwargs: object) -> None:
            rt.metrics.health.recovery_completed()  # sent once table recovery is done
            self.progress_at = self.assigned_at = time.monotonic()  # recovery is progress too
            if self.direct:  # the tables are restored: read each raw partition where its state ends
                await self.start_raw()

    def raw_need(self, p: int) -> int:
        """The first raw offset the restored source state of partition ``p`` has not seen."""
        self.use_anchor(p)  # a rocksdb store reads from the current event's partition
        return next_offset(self.rt.source_fold(p).progress_through())

    async def classify_events(self, work: Sequence[tuple[int, Events]]) -> None:
        """Faust's path: the events' records of each raw partition ``p``, in one round."""
        await self.classify_round([(p, [(e.message.offset, e.message.value) for e in events])
                                   for p, events in work])

    async def classify_round(self, work: Sequence[tuple[int, Sequence[tuple[int, bytes | None]]]]) -> None:
        """Decode, classify, decide lateness; publish posts, dead letters and routed posts
        of each ``(p, records)``; store every partition's progress once all of them are
        acknowledged, then drain the changelogs: two broker round trips, however many
        partitions.

        ``records``: ``(offset, value)`` of raw partition ``p``, ascending, at most one
        batch per partition.
        """
        out = self.rt.outputs()
        commits = []
        for p, records in work:
            commit = await self.classify_send(p, records, out)
            if commit is not None:
                commits.append((p, commit))
        with self.rt.metrics.time_stage("publish"):  # the acknowledgements of the round
            await out.acked()
        for p, commit in commits:
            self.use_anchor(p)  # the source table's write goes to changelog partition p
            commit()
        await self.rt.drain_tables()  # durable before Faust can ack (and commit) these events

    async def classify_send(self, p: int, records: Sequence[tuple[int, bytes | None]],
                            out: Delivery) -> Any:
        """The sending half of :meth:`classify_round`: queue the records' outputs on
        ``out``; returns what stores the progress once ``out`` is acknowledged (``None``:
        nothing new), to be called with an event of partition ``p`` current.

        Runs without automatic garbage collections (``streams.gctime``): what it returns
        keeps none of the batch's posts, so all of them are freed when it returns.
        """
        with gctime.paused():
            return await self._classify_send(p, records, out)

    async def _classify_send(self, p: int, records: Sequence[tuple[int, bytes | None]],
                             out: Delivery) -> Any:
        rt = self.rt
        self.last_seen[p] = time.monotonic()
        self.use_anchor(p)  # the fold's reads: a rocksdb store reads from the current event's partition
        fold = rt.source_fold(p)
        done = fold.progress_through()
        messages = [r for r in records if last_position(r[0]) > done]
        if not messages:
            return None
        now_ms = int(time.time() * 1000)
        m = rt.metrics
        with m.time_stage("classify"):  # decode + validate + classify: one call
            batch = prepare_batch(messages, rt.cfg.limits, rt.classifier, topics.RAW, p, now_ms,
                                  fast=rt.cfg.native_decode)
        result = fold.process(batch.items, batch.through)
        await out.send_many(topics.CLASSIFIED, ((it.post["post_id"].encode(), orjson.dumps(it.post))
                                                for it in batch.items))
        dead = batch.deadletters + [late_deadletter(it, topics.RAW, p, now_ms)
                                    for it in result.late]
        for d in dead:
            await out.send(topics.DEADLETTER, None, orjson.dumps(d))
        posts = [(it.event_ms, routed_post(it.post)) for it in result.routed]
        await self.route(out, p, result.watermark, False, posts)
        # what ``commit`` needs, without the posts (freed on return: see classify_send)
        progress = SourceResult(progress=result.progress)
        tallied = m.tally_classified([it.post for it in batch.items])
        n_messages, n_posts = len(messages), len(batch.items)
        n_dead, n_late = len(batch.deadletters), len(result.late)
        reasons = [record["reason"] for record in dead]

        def commit() -> None:
            fold.commit(progress)
            m.consumed(topics.RAW, messages=n_messages, posts=n_posts + n_dead)
            m.batch("classify", n_posts)
            m.apply_classified(tallied)
            m.published(topics.CLASSIFIED, n_posts)
            m.published(topics.DEADLETTER, len(reasons))
            for reason in reasons:
                m.deadletter(reason)
            if n_late:
                m.late_event("dropped", n_late)

        return commit

    # -- posts.raw read directly (streams.rawinput) ---------------------------------
    async def _ignored(self, stream: faust.StreamT) -> None:
        """The classify agent when the reader reads ``posts.raw``: Faust fetches none of it."""
        async for events in stream.take_events(1000, within=1.0):
            log.warning("%d posts.raw events from Faust's stream ignored (raw_input=direct)",
                        len(events))

    async def assign_raw(self, starts: dict[int, int]) -> None:
        """Point the reader at ``starts`` (partition -> offset), once no raw batch is in flight.

        The epoch bump and the reader call are queued together, so a read queued before
        them is dropped (its records are read again from ``starts``) and a read queued after
        them serves the new assignment.
        """
        assert self.raw_reader is not None
        async with self.raw_lock:
            self.raw_epoch += 1
            self.raw_active = set()
            await self.raw_reader.submit(self.raw_reader.assign, starts)
            self.raw_active = set(starts)
            for p, offset in starts.items():  # the next offset to read, for lag and the watchdog
                self.read[topics.RAW, p] = offset

    async def start_raw(self) -> None:
        parts = self.rt.assigned(topics.RAW)
        starts = {p: self.raw_need(p) for p in parts}
        consumer = self.rt.app.consumer
        rawinput.exclude_from_faust_fetch(consumer, topics.RAW)
        try:
            await rawinput.pause_in_aiokafka(consumer, topics.RAW, parts)
        except Exception as exc:  # noqa: BLE001 - only a prefetch that Faust never reads
            log.warning("could not pause aiokafka's prefetch of %s: %r", topics.RAW, exc)
        await self.assign_raw(starts)
        for p, offset in sorted(starts.items()):
            log.info("classify %s[%d]: reading from offset %d, where the restored state ends",
                     topics.RAW, p, offset)

    async def read_raw(self, size: int, within: float) -> None:
        """The classify stage's loop when ``posts.raw`` is read directly."""
        reader = self.raw_reader
        assert reader is not None
        pending: tuple[int, asyncio.Future[Any]] | None = None  # (epoch, read) prefetched
        try:
            while True:
                if pending is None and (self.rt.app.rebalancing or not self.raw_active):
                    await asyncio.sleep(0.05)
                    continue
                epoch, read = pending if pending is not None else (
                    self.raw_epoch, reader.submit(reader.consume, size, within))
                messages = await read
                pending = None
                if messages and epoch == self.raw_epoch and self.raw_active and not self.rt.app.rebalancing:
                    # the next read runs on the reader's thread while this one is processed
                    pending = (self.raw_epoch, reader.submit(reader.consume, size, within))
                if not messages:
                    continue
                async with self.raw_lock:
                    if epoch != self.raw_epoch:
                        continue  # read before a (re)assignment: read again from the state
                    await self.classify_direct(messages)
                if self.fault_stall(len(messages)):
                    await asyncio.Event().wait()  # a stuck stage, as the watchdog must see it
        except asyncio.CancelledError:
            raise
        except Exception:  # as after a SIGKILL: every stage recovers exactly from its changelog
            log.exception("the classify stage failed")
            self.exit_for_restart("classify stage failed")

    async def classify_direct(self, messages: Sequence[Any]) -> None:
        """One read of the raw reader, every partition at once: the outputs of all its
        partitions are awaited together, then every partition's progress is stored, then
        the changelogs are drained (two broker round trips per read, not per partition).

        A partition whose records exceed :data:`rawinput.CHUNK_BYTES` is done in rounds,
        one chunk per round, each round starting from the state the previous one stored.
        """
        self.busy.add(topics.RAW)
        try:
            work = {p: list(rawinput.chunks(records, rawinput.CHUNK_BYTES))
                    for p, records in rawinput.by_partition(messages).items() if p in self.raw_active}
            for p, parts in work.items():
                self.log_resume("classify", topics.RAW, p, parts[0][0][0], self.raw_need(p))
                if len(parts) > 1 and not self._logged_rounds:
                    self._logged_rounds = True  # once per worker: how big reads are handled
                    log.info("classify %s[%d]: one read held %d records, more than %d bytes: done in "
                             "%d rounds", topics.RAW, p, sum(map(len, parts)),
                             rawinput.CHUNK_BYTES, len(parts))
            for n in range(max((len(parts) for parts in work.values()), default=0)):
                await self.classify_round([(p, parts[n]) for p, parts in work.items() if n < len(parts)])
            now = time.monotonic()
            for p, parts in work.items():
                self.read[topics.RAW, p] = parts[-1][-1][0] + 1
                self.advanced_at[topics.RAW, p] = self.progress_at = now
            self.commit_if_caught_up({(topics.RAW, p) for p in work})
        finally:
            self.busy.discard(topics.RAW)

    def use_anchor(self, p: int) -> None:
        """Make raw partition ``p`` current for the tables (a stand-in event)."""
        # Faust holds the current event by weak reference: the anchor must stay alive
        anchor = self.anchors.setdefault(p, rawinput.Anchor(p))
        use_event(anchor)  # type: ignore[arg-type]

    async def commit_raw_offsets(self) -> None:
        """Commit the raw offsets read so far, through Faust's consumer (for lag monitoring:
        the reader starts from the source state, never from these)."""
        if self.rt.app.rebalancing:
            return
        offsets = {TP(topics.RAW, p): self.read[topics.RAW, p] for p in self.raw_active
                   if (topics.RAW, p) in self.read
                   and self.read[topics.RAW, p] != self.raw_committed.get(p)}
        if offsets:
            await self.rt.app.consumer._commit_offsets(offsets)  # type: ignore[attr-defined]
            self.raw_committed.update({tp.partition: off for tp, off in offsets.items()})

    def commit_if_caught_up(self, tps: set[tuple[str, int]]) -> None:
        """Commit soon when a batch left its input partitions ``tps`` with nothing more to
        read, instead of at the next commit tick (Faust's and the raw offsets' timer, every
        ``DEINFLUENCE_COMMIT_INTERVAL``, 1 s).

        Why: the end of a backlog, or a quiet stream's last records, would otherwise show as
        lag for up to a second per stage, and the three stages' ticks add up (issue #9: 1 to
        3 s at the end of every benchmark phase). At most one such commit is in flight, and
        they start at least :data:`EAGER_COMMIT_SPACING` apart, so a steady stream whose every
        batch catches up costs a few commits a second, not one per batch. The commit runs
        as a task: Faust acks a ``take_events`` batch only when the agent asks for the next
        one, after this returns. What it commits is exactly what the tick would have.
        """
        if not self.rt.settings.eager_commit or self.rt.app.rebalancing:
            return
        for topic, partition in tps:
            highwater = self.highwater(TP(topic, partition))
            if highwater is None or self.read.get((topic, partition), 0) < highwater:
                return
        if self._eager_commit is not None:
            self._eager_again = True  # it may have started before this batch was acked
            return
        self._eager_commit = asyncio.ensure_future(self._commit_caught_up())

    async def _commit_caught_up(self) -> None:
        try:
            while True:
                self._eager_again = False
                await asyncio.sleep(max(0.0, self._eager_commit_at + EAGER_COMMIT_SPACING
                                        - time.monotonic()))
                self._eager_commit_at = time.monotonic()
                async with guarded("eager commit"):
                    if not self.rt.app.rebalancing:
                        await self.rt.app.consumer.commit()
                        if self.direct:
                            await self.commit_raw_offsets()
                if not self._eager_again:
                    return
        finally:
            self._eager_commit = None

    def highwater(self, tp: Any) -> int | None:
        """The cached high watermark of an input partition (the reader's for ``posts.raw``)."""
        if self.direct and tp.topic == topics.RAW:
            assert self.raw_reader is not None
            return self.raw_reader.highwater.get(tp.partition)
        return self.rt.app.consumer.highwater(tp)

    async def route(self, out: Delivery, p: int, watermark: int | None, idle: bool,
                    posts: list[tuple[int, dict[str, Any]]]) -> None:
        n_raw, n_routed = self.rt.partitions(topics.RAW), self.rt.partitions(topics.ROUTED)
        for q, part in enumerate(bundles.route_posts(posts, n_routed)):
            for value in bundles.encode_routed_split(p, watermark, idle, n_raw, part):
                await out.send(topics.ROUTED, str(p).encode(), value, q)

    async def combine_round(self, work: Sequence[tuple[int, Events]]) -> None:
        """Dedup and pre-aggregate routed posts; publish cumulative pane counts per key.

        ``work``: the batch's events of each routed partition ``q``. Like a raw read, the
        partitions go in one round: every partition's partials are queued, the stage waits
        once for the broker's acknowledgement of all of them, stores every partition's
        progress, and drains the changelogs once. Two broker round trips per batch, not two
        per partition: per partition, a batch of four partitions on a loaded broker took
        most of the combine hop's 0.2 to 0.5 s (issue #9, session 14).
        """
        rt = self.rt
        m = rt.metrics
        out = rt.outputs()
        n = rt.partitions(topics.PARTIALS)
        done = []
        for q, events in work:
            use_event(events[-1])  # the fold's table writes go to changelog partition q
            fold = rt.combine_fold(q)
            m.consumed(topics.ROUTED, messages=len(events))
            m.batch("combine", len(events))
            with gctime.paused():  # the decoded posts are freed before the stretch ends
                with m.time_stage("decode"):
                    routed = [bundles.decode_routed(e.message.offset, e.message.value) for e in events]
                with m.time_stage("preaggregate"):
                    result = fold.process(routed)
                del routed
                report = SourceReport(q, result.through, result.watermark, False,
                                      rt.partitions(topics.ROUTED), result.partials)
                for r, part in enumerate(bundles.split_report(report, n)):
                    await out.send(topics.PARTIALS, str(q).encode(), bundles.encode_report(part), r)
                del report
                result.partials = []  # sent: only the progress is needed past the wait
            done.append((events[-1], fold, result))
        await out.acked()  # the state moves only once its records are acked
        for event, fold, result in done:
            use_event(event)
            fold.commit(result)
        await rt.drain_tables()

    async def rollup_round(self, work: Sequence[tuple[int, Events]]) -> None:
        """Merge partials, publish final windows and corrections, run trend detection.

        ``work``: the batch's events of each partials partition ``r``, in one round as in
        :meth:`combine_round`: one wait for the acknowledgements, one drain of the changelogs.
        """
        rt = self.rt
        m = rt.metrics
        sent = rt.outputs()
        done = []
        for r, events in work:
            use_event(events[-1])
            m.consumed(topics.PARTIALS, messages=len(events))
            m.batch("rollup", len(events))
            with gctime.paused():  # as in combine_round
                with m.time_stage("decode"):
                    reports = [bundles.decode_report(e.message.value) for e in events]
                fold = rt.rollup_fold(r)
                with m.time_stage("merge"):
                    out = fold.step(reports)
                del reports
                if out.corrections:
                    m.late_event("corrected", len(out.corrections))
                with m.time_stage("publish"):
                    for record in out.final + out.corrections:
                        await self.publish_aggregate(sent, record)
                with m.time_stage("trends"):
                    trends = detect(fold.store, rt.detector, out.evaluations)
                for trend in trends:
                    await sent.send(topics.TRENDS, trend_key(trend), orjson.dumps(trend))
                    m.published(topics.TRENDS)
                    m.trend(trend)
                done.append((events, fold, bool(out.final or out.corrections)))
                del out, trends
        await sent.acked()  # the state moves only once its records are acked
        for events, fold, _ in done:
            use_event(events[-1])  # the staged state goes to changelog partition r
            fold.commit(next_offset=events[-1].message.offset + 1)
        await rt.drain_tables()
        for events, fold, published in done:
            if published:  # partials are produced right after their posts' ingest
                m.end_to_end(e.message.timestamp for e in events)
            if fold.effective is not None:
                for spec in rt.cfg.windows:
                    m.set_watermark(spec.size, fold.effective / 1000)

    async def publish_aggregate(self, out: Delivery, record: dict[str, Any]) -> None:
        await out.send(topics.AGGREGATES, kafka_key(record).encode(), orjson.dumps(record))
        self.rt.metrics.published(topics.AGGREGATES)
        self.rt.metrics.aggregate(record)

    def _batches(self, stage: str, handle: Any, need: Any, size: int, within: float) -> Any:
        async def agent(stream: faust.StreamT) -> None:
            async for events in stream.take_events(size, within=within):
                topic = events[0].message.topic if events else ""
                self.busy.add(topic)
                try:
                    work = []
                    for partition, evs in by_partition(events).items():
                        use_event(evs[-1])  # ``need`` reads the stage's state of this partition
                        batch = await self.contiguous(stage, partition, evs, need(partition))
                        if batch:
                            work.append((partition, batch))
                    if work:  # every partition of the batch in one round (two broker round trips)
                        await self.run_round(stage, handle, work)
                    self.progressed(events)
                    self.commit_if_caught_up({(e.message.topic, e.message.partition) for e in events})
                finally:  # a failed batch must not leave its topic marked busy for the watchdog
                    self.busy.discard(topic)
                if stage == "classify" and self.fault_stall(len(events)):
                    await asyncio.Event().wait()  # a stuck agent, as the watchdog must see it

        agent.__name__ = agent.__qualname__ = stage
        return agent

    async def run_round(self, stage: str, handle: Any, work: Sequence[tuple[int, Events]]) -> None:
        """One round of a stage; a failed round exits the worker for a restart.

        A failed round has stored no partition's progress, but its folds are not clean: the
        roll-up's staged writes and key indexes already hold the round's input. Faust would
        restart the agent in this process with those folds, and its next batch (the round's
        records read back as a gap) would find them already merged: the failed round's final
        windows would never be published. A restart rebuilds every fold from the
        changelogs, as after a SIGKILL (the raw reader's failures do the same).
        """
        try:
            await handle(work)
        except Exception:
            log.exception("the %s stage failed", stage)
            self.exit_for_restart(f"{stage} stage failed")

    async def contiguous(self, stage: str, partition: int, events: Events, need: int) -> Events:
        """``events`` without replays, with any records missing before them read from the
        broker: the stage's input continues exactly where its state ends (``continuity``)."""
        topic = events[0].message.topic
        self.log_resume(stage, topic, partition, events[0].message.offset, need)
        fresh = [e for e in events if e.message.offset >= need]
        missing = continuity.gaps([e.message.offset for e in fresh], need)
        if not missing:
            return fresh
        loop = asyncio.get_running_loop()
        filled: list[Any] = []
        for start, end in missing:
            try:
                records = await loop.run_in_executor(None, self.gap_reader.read, topic, partition, start, end)
            except Exception as exc:  # the state must not move past records it has not seen
                log.error("could not read %s[%d] offsets %d..%d back from the broker: %s",
                          topic, partition, start, end - 1, exc)
                self.exit_for_restart("input gap not filled")
            log.warning("%s %s[%d]: offsets %d..%d were not delivered by the consumer although "
                        "the restored state needs them; read %d records back from the broker",
                        stage, topic, partition, start, end - 1, len(records))
            self.rt.metrics.input_gap(topic, len(records))
            filled.extend(records)
        return sorted([*fresh, *filled], key=lambda e: e.message.offset)

    def log_resume(self, stage: str, topic: str, partition: int, first: int, need: int) -> None:
        """Once per partition and assignment: where reading resumed and what state says."""
        if (topic, partition) in self.resumed:
            return
        self.resumed.add((topic, partition))
        log.info("%s %s[%d]: first offset read %d; restored state needs offset %d",
                 stage, topic, partition, first, need)

    def progressed(self, events: Events) -> None:
        self.progress_at = now = time.monotonic()
        for e in events:
            tp = (e.message.topic, e.message.partition)
            self.read[tp] = e.message.offset + 1
            self.advanced_at[tp] = now

    def fault_stall(self, messages: int) -> bool:
        """Fault injection (``DEINFLUENCE_FAULT_STALL_AFTER_MESSAGES``): True once, when the
        classify agent has handled that many raw messages; a marker file in the data dir
        keeps the restarted worker from stalling again."""
        if self._fault_limit <= 0:
            return False
        self._fault_messages += messages
        marker = self.rt.settings.data_dir / "fault-stall.done"
        if self._fault_messages < self._fault_limit or marker.exists():
            return False
        marker.write_text(f"{self._fault_messages}\n")
        log.warning("fault injection (%s): the classify agent stops after %d raw messages",
                    FAULT_STALL_ENV, self._fault_messages)
        return True

    def lag_by_partition(self) -> dict[tuple[str, int], int]:
        """Records waiting per assigned input partition (cached highwater - next read offset)."""
        consumer = self.rt.app.consumer
        lag: dict[tuple[str, int], int] = {}
        for tp in consumer.assignment():
            if tp.topic in (topics.RAW, topics.ROUTED, topics.PARTIALS):
                highwater = self.highwater(tp)
                read = self.read.get((tp.topic, tp.partition))
                if highwater is not None and read is not None:
                    lag[tp.topic, tp.partition] = max(0, highwater - read)
        return lag

    async def waiting_input(self, tps: list[tuple[str, int]]) -> int:
        """Records the broker says wait on the input partitions ``tps``.

        Always the broker's end offsets (``streams.watchdog``), never the cached lag alone:
        cached highwaters go stale exactly when fetching stops, and they still show lag
        while the broker is down, which is an outage, not a stall of this worker. A broker
        that cannot be asked counts as nothing waiting.
        """
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(None, self.end_offsets.waiting, tps, dict(self.read)), 30)
        except Exception as exc:  # broker unreachable: not a stall of this worker
            log.warning("watchdog could not read end offsets (not a stall while the broker "
                        "cannot be asked): %s", exc or type(exc).__name__)
            return 0

    def report(self) -> list[str]:
        """The watchdog's view, for the SIGUSR1 dump."""
        app = self.rt.app
        consumer = app.consumer
        return [
            f"watchdog: no batch for {time.monotonic() - self.progress_at:.1f} s, no ack for "
            f"{time.monotonic() - self.rt.last_ack:.1f} s, limit "
            f"{self.rt.settings.stall_timeout} s, rebalancing={bool(app.rebalancing)}, "
            f"flow_active={getattr(consumer, 'flow_active', None)}",
            f"cached lag: {self.lag_by_partition()}",
            f"read offsets: {self.read}",
            "last read, seconds ago: " + str({tp: round(time.monotonic() - t, 1)
                                              for tp, t in sorted(self.advanced_at.items())}),
            f"agents inside a batch: {sorted(self.busy)}",
            f"raw reader: direct={self.direct} epoch={self.raw_epoch} "
            f"active={sorted(self.raw_active)} highwater="
            f"{getattr(self.raw_reader, 'highwater', None)} errors={getattr(self.raw_reader, 'errors', None)}",
            f"active partitions: {sorted(map(tuple, consumer._get_active_partitions()))}",
            f"paused partitions: {sorted(map(tuple, getattr(consumer, '_paused_partitions', ())))}",
            f"buffered partitions: {sorted(map(tuple, getattr(consumer, '_buffered_partitions', ())))}",
        ]

    async def check_stall(self) -> None:
        """The watchdog of README's "Known defect": exit when input waits and does not move.

        Exiting is as safe as a SIGKILL (state recovers exactly from the changelogs); the
        supervisor (Kubernetes, or the tests' harness) starts the worker again.
        """
        limit = self.rt.settings.stall_timeout
        if limit <= 0:
            return
        now = time.monotonic()
        if self.rt.app.rebalancing:  # may legitimately take a while, not forever
            idle_for = now - self.progress_at
            if watchdog.stalled(limit, idle_for, True, 0):
                log.warning("rebalancing for %.0f s (limit %.0f s)", idle_for, 3 * limit)
                self.exit_stalled(idle_for, 0)
            return
        assigned = [(tp.topic, tp.partition) for tp in self.rt.app.consumer.assignment()
                    if tp.topic in (topics.RAW, topics.ROUTED, topics.PARTIALS)]
        quiet = watchdog.quiet_partitions(now, limit, assigned, self.advanced_at, self.assigned_at,
                                          self.busy, self.rt.last_ack)
        if not quiet:
            return
        waiting = await self.waiting_input(sorted(quiet))
        idle_for = min(quiet.values())
        if waiting:
            log.warning("%d input partitions not read for %.0f s or more (limit %.0f s) while %d "
                        "records wait on them: %s", len(quiet), idle_for, limit, waiting,
                        sorted(quiet)[:16])
        if watchdog.stalled(limit, idle_for, False, waiting):
            self.exit_stalled(idle_for, waiting)

    def exit_stalled(self, idle_for: float, waiting: int) -> None:
        log.error("stalled: input not read for %.0f s while %d records wait; exiting "
                  "so that the supervisor restarts the worker", idle_for, waiting)
        diagnostics.dump()  # where every task waits: the evidence for the defect
        self.exit_for_restart("stalled")

    def exit_for_restart(self, reason: str) -> None:
        """Exit with code 75 (EX_TEMPFAIL) for the supervisor to restart the worker.

        As safe as a SIGKILL: every stage recovers exactly from its changelog.
        """
        log.error("exiting for a restart: %s", reason)
        self.rt.metrics.health.set_live(False, reason)
        leave_group(self.rt.app, timeout=LEAVE_GROUP_TIMEOUT_S)
        logging.shutdown()
        os._exit(STALLED_EXIT_CODE)

    async def sample_gauges(self) -> None:
        """Consumer lag of the consumed topics' assigned partitions, and table sizes.

        Lag is the cached highwater minus the next offset the agents will read. It must not
        call ``consumer.position()``: that goes through Faust's consumer thread, where
        aiokafka's ``position()`` can wait indefinitely for a paused or resetting partition and
        block every later call of that thread, fetching included (a worker stall).
        """
        rt = self.rt
        rt.metrics.set_consumer_lag(self.lag_by_partition())
        rt.metrics.set_state_size({"source": len(rt.source_table), "combine": len(rt.combine_table),
                                   "rollup": len(rt.rollup_table)})

    def raw_waiting(self) -> dict[int, bool]:
        """Per assigned raw partition: may records wait there (unknown counts as yes)?

        A partition is idle only when its source is silent, never merely because this worker
        has not got to it yet (a slow batch elsewhere, a restart): announcing a partition
        idle lets the effective watermark pass it, so the posts still waiting there would
        arrive late.
        """
        consumer = self.rt.app.consumer
        committed = getattr(consumer, "_committed_offset", {})
        out: dict[int, bool] = {}
        for tp in consumer.assignment():
            if tp.topic != topics.RAW:
                continue
            highwater = self.highwater(tp)
            nxt = self.read.get((tp.topic, tp.partition))
            if nxt is None:
                nxt = committed.get(tp) or 0
            out[tp.partition] = records_may_wait(highwater, nxt)
        return out

    async def announce_idle_partitions(self) -> None:
        """Tell the next stage which raw partitions fell silent, so finality can move on."""
        rt = self.rt
        if rt.app.rebalancing:
            return
        now = time.monotonic()
        timeout = rt.settings.idle_timeout
        waiting = self.raw_waiting()
        for p in rt.assigned(topics.RAW):
            quiet_since = self.last_seen.get(p, self.started)
            if now - quiet_since < timeout or now - self.idle_sent.get(p, 0.0) < max(timeout, 10.0):
                continue
            if waiting.get(p, True):
                continue  # quiet because this worker is behind, not because the source is
            self.idle_sent[p] = now
            out = rt.outputs(progress=False)
            await self.route(out, p, rt.source_fold(p).watermark(), True, [])
            await out.acked()
