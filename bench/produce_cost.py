"""CPU of queueing one output record in librdkafka: ``produce()`` against ``produce_batch()``.

    python bench/produce_cost.py [RECORDS]

No broker: the producer points at a closed port, so records only enter librdkafka's queue
(what the worker's ``Delivery.put`` pays on the event loop thread; the delivery reports come
later, on the poll thread). ``produce_batch`` also needs a dict per record, timed apart.
Session 12 measured 1.3 to 2.3 us per record for both: the batch call saves nothing, because
the cost is librdkafka's own per-message work (copy, partitioner, queue), not Python's call.
"""

from __future__ import annotations

import sys
import time

import orjson
from confluent_kafka import Producer


def main(n: int) -> None:
    producer = Producer({
        "bootstrap.servers": "127.0.0.1:1",  # nothing listens: nothing is ever sent
        "log_level": 0,
        "queue.buffering.max.messages": 10_000_000,  # purge() may leave records queued
        "queue.buffering.max.kbytes": 2_097_151,
        "partitioner": "murmur2_random",
        "enable.idempotence": True,
        "acks": "all",
    })
    records = [(f"p{i}".encode(), orjson.dumps({"post_id": f"p{i}", "text": "x" * 150,
                                                "stance": "neutral"})) for i in range(n)]

    def report(_err: object, _msg: object) -> None:
        pass

    for round_ in range(3):
        t0 = time.perf_counter()
        for key, value in records:
            producer.produce("t", value, key, -1, on_delivery=report)
        t1 = time.perf_counter()
        producer.purge()
        tb = time.perf_counter()
        batch = [{"key": key, "value": value} for key, value in records]
        t2 = time.perf_counter()
        queued = producer.produce_batch("t", batch, on_delivery=report)
        t3 = time.perf_counter()
        producer.purge()
        per = 1e6 / n
        print(f"round {round_ + 1}: produce() {(t1 - t0) * per:.2f} us/record, "
              f"produce_batch() {(t3 - t2) * per:.2f} us/record "
              f"(+ {(t2 - tb) * per:.2f} us building its dicts; {queued:,} queued)")
    producer.poll(0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
