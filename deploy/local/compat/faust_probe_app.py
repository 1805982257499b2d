"""Kafka version probe: the Faust app of faust_restart_roundtrip.sh (a counting table + output topic)."""
import os, faust
BOOT=os.environ["BOOT"]; SUF=os.environ["SUF"]
app = faust.App("fprobe-"+SUF, broker="kafka://"+BOOT, store="memory://", web_port=int(os.environ.get("WEB_PORT", "19150")), datadir=os.environ.get("FAUST_DATADIR", "/tmp/faust-probe-" + SUF), web_host="127.0.0.1",
                topic_partitions=4, processing_guarantee=os.environ.get("PG","at_least_once"))
src = app.topic("fin-"+SUF, key_type=str, value_type=str, partitions=4)
dst = app.topic("fout-"+SUF, key_type=str, value_type=str, partitions=4)
counts = app.Table("counts", default=int, partitions=4)
@app.agent(src)
async def proc(stream):
    async for key, value in stream.items():
        counts[key] += 1
        await dst.send(key=key, value=f"{value}:{counts[key]}")
if os.environ.get("SEEK_BEFORE_RESUME"):
    # experiment: seek stream partitions to their committed offsets *before* resuming them
    # (faust 0.15.3 resumes first, while the fetcher already runs for changelog recovery)
    import asyncio
    from faust.tables.recovery import Recovery

    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        consumer = self.app.consumer
        self.log.info("Restore complete!")
        await self.app.on_rebalance_complete.send()
        self._set_recovery_ended()
        coros = [
            asyncio.ensure_future(
                t.on_recovery_completed(self.actives_for_table[t], self.standbys_for_table[t])
            )
            for t in self.tables.values()
        ]
        if coros:
            await asyncio.wait(coros)
        assignment = consumer.assignment()
        if self.app.consumer_generation_id != generation_id:
            return
        if assignment:
            self.log.info("Seek stream partitions to committed offsets (before resume).")
            await self._wait(consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout)
        consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        self.completed.set()
        self.app.flow_control.resume()
        consumer.resume_flow()
        await self.app._fetcher.maybe_start()
        self.tables.on_actives_ready()
        if not self.app.assignor.assigned_standbys():
            self.tables.on_standbys_ready()
        self.app.on_rebalance_end()
        self.log.info("Worker ready")

    Recovery.on_recovery_completed = on_recovery_completed

if __name__ == "__main__":
    app.main()
