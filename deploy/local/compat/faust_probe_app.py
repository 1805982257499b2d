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
if __name__ == "__main__":
    app.main()
