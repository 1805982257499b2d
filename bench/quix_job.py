"""The benchmark's job written with Quix Streams (run by ``deinfluence bench``, not a test).

Same work per message as the pipeline's core: ``RuleClassifier().classify_batch([post])``,
then tumbling 5-minute window counts (event time = ``created_at``) per ``brand|<id>`` and
per ``hashtag|<tag>``, published to ``$BENCH_OUTPUT`` when each window closes. The keys are
re-partitioned with ``group_by`` (Quix's way to count by a new key across partitions).
Configured by ``BENCH_*`` variables; writes the wall time of its first message to
``$BENCH_MARK``. Quix Streams needs confluent-kafka < 2.13, the project >= 2.16, so it
runs in a venv of its own (``.local/quix-venv``, made by ``make bench-quix-venv``).
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

from quixstreams import Application

from deinfluence.processors.classify import RuleClassifier

env = os.environ
classifier = RuleClassifier()
mark = Path(env["BENCH_MARK"])
first = [True]


def event_ms(value, headers, timestamp, timestamp_type) -> int:  # noqa: ANN001
    try:
        return int(datetime.fromisoformat(value["created_at"].replace("Z", "+00:00")).timestamp() * 1000)
    except (KeyError, TypeError, ValueError):
        return timestamp


def classify(post: dict) -> list[dict]:
    if first[0]:
        first[0] = False
        mark.write_text(f"{time.time()}\n")
    c = classifier.classify_batch([post])[0]
    keys = [f"brand|{b}" for b in c["brands"]] + [f"hashtag|{h}" for h in c["hashtags"]]
    return [{"k": k, "stance": c["stance"]} for k in keys]


def main() -> None:
    app = Application(broker_address=env["BENCH_BOOTSTRAP"], consumer_group=env["BENCH_GROUP"],
                      auto_offset_reset="earliest", commit_interval=1.0,
                      state_dir=env["BENCH_STATE_DIR"], loglevel="WARNING")
    posts = app.topic(env["BENCH_INPUT"], value_deserializer="json", timestamp_extractor=event_ms)
    out = app.topic(env["BENCH_OUTPUT"], value_serializer="json")
    sdf = app.dataframe(posts)
    sdf = sdf.apply(classify, expand=True)
    sdf = sdf.group_by(lambda v: v["k"], name="key")
    sdf = sdf.tumbling_window(timedelta(minutes=5)).count().final()
    sdf.to_topic(out)
    app.run()


if __name__ == "__main__":
    main()
