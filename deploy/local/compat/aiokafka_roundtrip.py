"""Kafka version probe: aiokafka admin, idempotent + transactional producers, consumer group join/commit/rejoin.

Usage: python aiokafka_roundtrip.py HOST:PORT
"""
import asyncio, sys, time, uuid
from aiokafka import AIOKafkaProducer, AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import TopicPartition
BOOT = sys.argv[1]
async def main():
    topic = f"aio-{uuid.uuid4().hex[:6]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOT); await admin.start()
    await admin.create_topics([NewTopic(topic, 4, 1)]); print("admin create_topics ok"); 
    print("describe_cluster", await admin.describe_cluster())
    await admin.close()
    p = AIOKafkaProducer(bootstrap_servers=BOOT, acks="all", enable_idempotence=True); await p.start()
    for i in range(100):
        await p.send(topic, key=str(i).encode(), value=f"v{i}".encode())
    await p.flush(); print("producer (idempotent, acks=all) ok, api_version", p.client.api_version if hasattr(p.client,'api_version') else '?')
    # transactional producer (faust processing_guarantee=exactly_once uses this)
    tp_ = AIOKafkaProducer(bootstrap_servers=BOOT, transactional_id="t-"+topic); await tp_.start()
    async with tp_.transaction():
        await tp_.send(topic, key=b"tx", value=b"txv")
    await tp_.stop(); print("transactional producer ok")
    await p.stop()
    group = "g-"+topic
    c = AIOKafkaConsumer(topic, bootstrap_servers=BOOT, group_id=group, auto_offset_reset="earliest", enable_auto_commit=False)
    await c.start()
    got = 0; t0 = time.time()
    while got < 101 and time.time()-t0 < 30:
        res = await c.getmany(timeout_ms=1000)
        for tp, msgs in res.items(): got += len(msgs)
    print("consumer group received", got, "assignment", sorted(tp.partition for tp in c.assignment()))
    await c.commit(); print("commit ok")
    committed = {tp.partition: await c.committed(tp) for tp in c.assignment()}
    print("committed", committed)
    await c.stop()
    # re-join: should resume from committed offsets -> nothing new
    c2 = AIOKafkaConsumer(topic, bootstrap_servers=BOOT, group_id=group, auto_offset_reset="earliest", enable_auto_commit=False)
    await c2.start(); res = await c2.getmany(timeout_ms=3000)
    print("rejoin got", sum(len(m) for m in res.values()), "(expect 0)")
    await c2.stop()
    ok = got == 101
    print("AIOKAFKA ROUND TRIP", "OK" if ok else "FAILED")
asyncio.run(main())
