"""A textbook one-event-at-a-time Faust agent doing the benchmark's job (not a test).

``async for value in stream``: decode one post, ``RuleClassifier().classify_batch([post])``,
bump a tumbling 5-minute windowed table counter per ``brand|<id>`` and ``hashtag|<tag>``
(window by the message timestamp, Faust's default), send each new count to
``$BENCH_OUTPUT``. No re-keying (``group_by``): with one worker every key is local, and a
per-key repartition would only make it slower. Configured by ``BENCH_*`` variables;
writes the wall time of its first event to ``$BENCH_MARK``. Run as ``python faust_naive.py``.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

import faust
import orjson

from deinfluence.processors.classify import RuleClassifier

env = os.environ
app = faust.App(env["BENCH_GROUP"], broker=f"kafka://{env['BENCH_BOOTSTRAP']}",
                store="memory://", datadir=env["BENCH_STATE_DIR"], web_enabled=False,
                topic_partitions=int(env.get("BENCH_PARTITIONS", "4")),
                consumer_auto_offset_reset="earliest", broker_commit_interval=1.0,
                autodiscover=False)
posts = app.topic(env["BENCH_INPUT"], value_type=bytes, value_serializer="raw")
out = app.topic(env["BENCH_OUTPUT"], value_type=bytes, value_serializer="raw")
counts = app.Table("counts", default=int).tumbling(timedelta(minutes=5),
                                                    expires=timedelta(hours=1))
classifier = RuleClassifier()
mark = Path(env["BENCH_MARK"])
first = [True]


@app.agent(posts)
async def count(stream: faust.StreamT) -> None:
    async for value in stream:
        if first[0]:
            first[0] = False
            mark.write_text(f"{time.time()}\n")
        c = classifier.classify_batch([orjson.loads(value)])[0]
        for key in [f"brand|{b}" for b in c["brands"]] + [f"hashtag|{h}" for h in c["hashtags"]]:
            counts[key] += 1
            await out.send(key=key.encode(), value=str(counts[key].now()).encode())


if __name__ == "__main__":
    sys.argv[1:] = ["worker", "--loglevel", "warn"]
    app.main()
