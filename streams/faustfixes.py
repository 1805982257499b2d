"""Work-arounds for faust-streaming 0.15.3 behaviour that breaks exactness.

Recovery resumes the stream partitions *before* seeking them to their committed offsets,
while the fetcher already runs for changelog recovery. Records fetched at the old position
race with the seek and with Faust's read-offset bookkeeping: after a rebalance or restart
a worker could skip records or read some twice (reproduced in ``docs/kafka-version.md``;
compare faust-streaming/faust#216). :class:`SeekFirstRecovery` seeks first, then resumes.
It is installed through the app's ``TableManager`` setting, not by patching Faust.

Also here: :class:`DurableTable` (changelog writes the agents can await) and
:func:`shorten_fetch_wait` (a throughput fix, not an exactness one: Faust's 1.5 s fetch wait
starved the combine and roll-up stages).
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from faust.serializers import codecs
from faust.tables.manager import TableManager
from faust.tables.recovery import Recovery
from faust.tables.table import Table
from faust.types import TP


class SeekFirstRecovery(Recovery):
    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        """Faust's ``Recovery.on_recovery_completed`` with seek and resume swapped."""
        consumer = self.app.consumer
        self.log.info("Restore complete!")
        await self.app.on_rebalance_complete.send()
        self._set_recovery_ended()
        callbacks = [
            asyncio.ensure_future(
                table.on_recovery_completed(self.actives_for_table[table], self.standbys_for_table[table])
            )
            for table in self.tables.values()
        ]
        if callbacks:
            await asyncio.wait(callbacks)
        assignment = consumer.assignment()
        if self.app.consumer_generation_id != generation_id:
            self.log.warning("Recovery rebalancing again (generation %s, expected %s)",
                             self.app.consumer_generation_id, generation_id)
            return
        if assignment:
            self.log.info("Seek stream partitions to committed offsets (before resuming them).")
            await self._wait(consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout)
        consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        self.completed.set()
        self.app.flow_control.resume()
        consumer.resume_flow()
        await cast(Any, self.app)._fetcher.maybe_start()
        self.tables.on_actives_ready()
        if not self.app.assignor.assigned_standbys():
            self.tables.on_standbys_ready()
        self.app.on_rebalance_end()
        self.log.info("Worker ready")


class SeekFirstTableManager(TableManager):
    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = SeekFirstRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery


class _Sent:
    """What Faust's ``on_key_set``/``on_key_del`` read of a changelog write: its partition."""

    __slots__ = ("message", "partition")

    def __init__(self, partition: int) -> None:
        self.message = self
        self.partition = partition


class DurableTable(Table):
    """A Faust table whose changelog writes can be awaited: ``await table.drain()``.

    Faust sends table changes through its producer buffer (``send_soon``) and relies on the
    offset commit to flush them first. That flush (``ProducerBuffer.flush``) gives up as
    soon as 0.1 s pass without a message leaving the buffer, so under load the consumer
    offsets of a batch can be committed while its state changes still sit in the buffer: a
    SIGKILL then loses state whose input is already marked consumed (reproduced: the
    roll-up's changelog empty after a kill while its input offsets were committed). The
    agents therefore drain the tables after each batch, before Faust may ack the batch's
    events, so a committed offset always implies durable state.

    With ``output`` set (the worker sets the agents' librdkafka producer,
    ``streams.output``), the changelog records bypass Faust's producer altogether: one
    ``produce()`` each instead of a ``FutureMessage``, an asyncio future, the producer
    buffer's task and aiokafka's Python sender, which together took 15 to 20 % of a busy
    worker's event loop (``docs/performance.md``). What recovery relies on is kept: every
    record of a changelog partition goes through the one idempotent producer (``acks=all``),
    in the order of the writes; the key and value are serialized by the changelog topic,
    as Faust does; a store that persists offsets (rocksdb) is told the highest acknowledged
    offset of each partition at ``drain``, as Faust's ``_on_changelog_sent`` does per record.
    Transactions (``processing_guarantee=exactly_once``) are not supported on this path.
    """

    output: Any = None  # streams.output.OutputProducer: the changelog records go through it

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._unacked: list[asyncio.Future[Any]] = []
        self._delivery: Any = None  # streams.output.Delivery of the writes since the last drain
        self._overflow: list[tuple[int, bytes | None, bytes | None]] = []  # librdkafka's queue was full
        self._sent: dict[int, _Sent] = {}
        self._json_codec: Any = None  # None: not resolved yet; False: Faust's path (``_encode``)
        self._changelog_name: str | None = None
        super().__init__(*args, **kwargs)

    def send_changelog(self, partition: int | None, key: Any, value: Any,
                       key_serializer: Any = None, value_serializer: Any = None) -> Any:
        if self.output is None:
            fut = super().send_changelog(partition, key, value, key_serializer, value_serializer)
            self._unacked.append(fut)
            return fut
        if partition is None:  # use_partitioner tables: no table of this app
            raise TypeError(f"table {self.name}: a changelog write needs the current event's partition")
        k, v = self._encode(key, value, key_serializer, value_serializer)
        if self._delivery is None:
            self._delivery = self.output.delivery(progress=False)
            self._delivery.offsets = {}
        # once a record waits in the overflow, the later ones wait behind it (their order is
        # the order recovery replays)
        if self._overflow or not self._delivery.put(self._topic_name(), k, v, partition):
            self._overflow.append((partition, k, v))
        sent = self._sent.get(partition)
        if sent is None:
            sent = self._sent[partition] = _Sent(partition)
        return sent

    def _encode(self, key: Any, value: Any, key_serializer: Any, value_serializer: Any,
                ) -> tuple[bytes | None, bytes | None]:
        """The changelog record's key and value, as Faust's ``prepare_key``/``prepare_value`` make them.

        With the table's serializers ``json`` (this app's tables), a plain key or value goes
        straight to Faust's own ``json`` codec, the function those calls end in: the same
        bytes without the schema and registry layers in between (about 4 % of a busy
        worker's event loop, issue #9, session 20). Anything else (another serializer, a
        model, raw bytes, a serializer given for this call) takes Faust's path.
        """
        codec = self._json_codec
        if codec is None:
            codec = self._json_codec = _plain_json_codec(self)
        if (codec is not False and key_serializer is None and value_serializer is None
                and type(key) is str and (value is None or type(value) in _PLAIN)):
            return codec.dumps(key), None if value is None else codec.dumps(value)
        topic = self.changelog_topic
        k, _ = topic.prepare_key(key, key_serializer or self.key_serializer)
        v = None if value is None else topic.prepare_value(value, value_serializer or self.value_serializer)[0]
        return k, v

    def _topic_name(self) -> str:
        name = self._changelog_name
        if name is None:
            name = self._changelog_name = self.changelog_topic.get_topic_name()
        return name

    async def drain(self) -> int:
        """Wait until every changelog write so far is acknowledged; return how many."""
        if self.output is None:
            pending, self._unacked = self._unacked, []
            if pending:
                await asyncio.gather(*pending)
            return len(pending)
        delivery, self._delivery = self._delivery, None
        if delivery is None:
            return 0
        overflow, self._overflow = self._overflow, []
        name = self._topic_name()
        for partition, k, v in overflow:  # waits while the queue is full
            await delivery.send(name, k, v, partition)
        await delivery.acked()  # raises KafkaError if a record was not delivered
        for partition, offset in delivery.offsets.items():
            self.data.set_persisted_offset(TP(name, partition), offset)
        return int(delivery.sent)


_PLAIN = (list, dict, int, float, bool, str)  # what this app's tables hold; a model or bytes is not


def _plain_json_codec(table: Table) -> Any:
    """Faust's ``json`` codec when it is what ``table``'s changelog records go through, else False.

    Without a serializer given for the write (``on_key_set`` gives none), Faust serializes a
    changelog key with the table's key serializer, which a table always has; the same for
    values. The codec must be Faust's stock ``json`` with nothing chained after it.
    """
    if table.key_serializer != "json" or table.value_serializer != "json":
        return False
    codec = codecs.get_codec("json")
    return codec if type(codec) is codecs.json and not codec.children else False


FETCH_MAX_WAIT_MS = 100  # the most the broker holds a fetch of Faust's consumer (Faust: 1,500)


def shorten_fetch_wait(consumer: Any, ms: int = FETCH_MAX_WAIT_MS) -> bool:
    """Make the broker answer a fetch of Faust's consumer within ``ms`` when it has no data.

    Faust creates its aiokafka consumer with ``fetch_max_wait_ms=1500``. aiokafka has one
    fetch in flight per broker, and a partition whose records were still buffered when it
    was sent is not in it: once those records are consumed, that partition waits for the
    fetch to come back, up to 1.5 s when the others have nothing new. In a group of two
    workers each combine and roll-up partition is fed in such bursts: the stages finished
    seconds after the classify stage, and two workers were slower than one (issue #9,
    ``docs/performance.md``, session 10). The fetcher reads the value for every request,
    so setting it on the running consumer takes effect at its next fetch. An idle worker
    sends ten empty fetches a second instead of one every 1.5 s.

    Returns whether it was set (False: Faust or aiokafka changed these internals).
    """
    try:
        fetcher = consumer._thread._ensure_consumer()._fetcher
        fetcher._fetch_max_wait_ms  # noqa: B018 - present, or aiokafka changed
    except Exception:  # noqa: BLE001 - only a latency tweak: never fatal
        return False
    fetcher._fetch_max_wait_ms = ms
    return True
