"""Work-arounds for faust-streaming 0.15.3 behaviour that breaks exactness.

Recovery resumes the stream partitions *before* seeking them to their committed offsets,
while the fetcher already runs for changelog recovery. Records fetched at the old position
race with the seek and with Faust's read-offset bookkeeping: after a rebalance or restart
a worker could skip records or read some twice (reproduced in ``docs/kafka-version.md``;
compare faust-streaming/faust#216). :class:`SeekFirstRecovery` seeks first, then resumes.
It is installed through the app's ``TableManager`` setting, not by patching Faust.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from faust.tables.manager import TableManager
from faust.tables.recovery import Recovery
from faust.tables.table import Table


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
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._unacked: list[asyncio.Future[Any]] = []
        super().__init__(*args, **kwargs)

    def send_changelog(self, *args: Any, **kwargs: Any) -> Any:
        fut = super().send_changelog(*args, **kwargs)
        self._unacked.append(fut)
        return fut

    async def drain(self) -> int:
        """Wait until every changelog write so far is acknowledged; return how many."""
        pending, self._unacked = self._unacked, []
        if pending:
            await asyncio.gather(*pending)
        return len(pending)
