#!/usr/bin/env bash
# Kafka version probe (docs/kafka-version.md): a Faust worker (table + output topic) processes
# 200 messages, is stopped (SIGTERM), restarted while 100 more are produced, and stopped again.
# Expect 300 outputs, every key counted exactly 30 times. Usage: faust_restart_roundtrip.sh HOST:PORT [exactly_once]
set -u
BOOT=$1; PG=${2:-at_least_once}; SUF=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n'); export BOOT SUF PG
cd "$(dirname "$0")"; WORK=$(mktemp -d); trap "rm -rf $WORK" EXIT; export FAUST_DATADIR=$WORK/data
PY=${PY:-../../../.venv/bin/python}
$PY - <<PYEOF
from confluent_kafka.admin import AdminClient, NewTopic
a=AdminClient({"bootstrap.servers":"$BOOT"})
for f in a.create_topics([NewTopic("fin-$SUF",4,1),NewTopic("fout-$SUF",4,1)]).values(): f.result()
PYEOF
run_worker() { $PY faust_probe_app.py worker -l info > $WORK/worker-$1.log 2>&1 & echo $! > $WORK/w.pid; }
produce() { $PY -c "
from confluent_kafka import Producer
p=Producer({'bootstrap.servers':'$BOOT'})
for i in range($1,$2): p.produce('fin-$SUF', key='k%d'%(i%10), value='\"m%d\"'%i)
p.flush()"; }
count_out() { $PY -c "
from confluent_kafka import Consumer, TopicPartition
c=Consumer({'bootstrap.servers':'$BOOT','group.id':'chk','enable.auto.commit':False})
tps=[TopicPartition('fout-$SUF',i,0) for i in range(4)]
hi=sum(c.get_watermark_offsets(tp,timeout=10)[1] for tp in tps); print(hi)"; }
committed() { $PY -c "
from confluent_kafka import Consumer, TopicPartition
c=Consumer({'bootstrap.servers':'$BOOT','group.id':'fprobe-$SUF','enable.auto.commit':False})
tps=[TopicPartition('fin-$SUF',i) for i in range(4)]
print('committed', [t.offset for t in c.committed(tps, timeout=10)], 'high', [c.get_watermark_offsets(t,timeout=10)[1] for t in tps])
tps=[TopicPartition('fprobe-$SUF-counts-changelog',i) for i in range(4)]
print('changelog high', [c.get_watermark_offsets(t,timeout=10)[1] for t in tps])
"; }
run_worker 1; produce 0 200
for i in $(seq 30); do n=$(count_out); [ "$n" -ge 200 ] && break; sleep 1; done
echo "phase1 outputs: $n after ${i}s"
kill -TERM $(cat $WORK/w.pid); wait $(cat $WORK/w.pid); echo "worker1 exit $?"
committed
run_worker 2; produce 200 300
for i in $(seq 30); do n=$(count_out); [ "$n" -ge 300 ] && break; sleep 1; done
echo "phase2 outputs: $n after ${i}s"
kill -TERM $(cat $WORK/w.pid); wait $(cat $WORK/w.pid); echo "worker2 exit $?"; committed
$PY -c "
import json
from confluent_kafka import Consumer, TopicPartition
c=Consumer({'bootstrap.servers':'$BOOT','group.id':'chk2','enable.auto.commit':False,'auto.offset.reset':'earliest'})
c.assign([TopicPartition('fout-$SUF',i,0) for i in range(4)])
last={}; n=0; seen=set()
while True:
    m=c.poll(3)
    if m is None: break
    n+=1; v=json.loads(m.value()); last[m.key()]=int(v.split(':')[1]) if isinstance(v,str) else v
    seen.add(v.split(':')[0]) if isinstance(v,str) else None
print('outputs',n,'final counts',sorted(last.values()))
print('missing', sorted(set('m%d'%i for i in range(300))-seen, key=lambda x:int(x[1:])))
print('FAUST ROUND TRIP', 'OK' if n==300 and all(x==30 for x in last.values()) and len(last)==10 else 'CHECK')
"
grep -iE "error|exception|unsupported" $WORK/worker-*.log | head -20
