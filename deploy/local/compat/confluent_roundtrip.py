"""Kafka version probe: confluent-kafka admin (compacted topic), idempotent producer, consumer group commit.

Usage: python confluent_roundtrip.py HOST:PORT
"""
import sys, uuid, time
from confluent_kafka import Producer, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic, ConfigResource
BOOT=sys.argv[1]
t=f"ck-{uuid.uuid4().hex[:6]}"
a=AdminClient({"bootstrap.servers":BOOT})
for f in a.create_topics([NewTopic(t,4,1,config={"cleanup.policy":"compact"})]).values(): f.result()
print("create_topics ok")
r=a.describe_configs([ConfigResource("topic",t)]); 
for f in r.values(): print("cleanup.policy", f.result()["cleanup.policy"].value)
p=Producer({"bootstrap.servers":BOOT,"enable.idempotence":True})
for i in range(100): p.produce(t,key=str(i),value=f"v{i}")
print("flush left", p.flush(10))
c=Consumer({"bootstrap.servers":BOOT,"group.id":"g"+t,"auto.offset.reset":"earliest","enable.auto.commit":False})
c.subscribe([t]); got=0; t0=time.time()
while got<100 and time.time()-t0<30:
    m=c.poll(1)
    if m is None: continue
    if m.error(): print("err", m.error()); continue
    got+=1
c.commit(asynchronous=False); print("committed", [x.offset for x in c.committed([TopicPartition(t,i) for i in range(4)])])
c.close()
print("CONFLUENT ROUND TRIP", "OK" if got==100 else f"FAILED {got}")
