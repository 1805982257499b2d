"""The watchdog's end-offset probe against the real broker (streams.watchdog)."""

from __future__ import annotations

from deinfluence.settings import Settings
from deinfluence.streams.kafka import produce_lines, read_topic
from deinfluence.streams.watchdog import EndOffsets


def test_probe_counts_records_past_the_read_offsets(kafka_settings: Settings, new_topic: str) -> None:
    produce_lines(kafka_settings.bootstrap, new_topic,
                  [b'{"post_id": "p%d"}' % i for i in range(30)])
    ends: dict[tuple[str, int], int] = {}
    for m in read_topic(kafka_settings.bootstrap, new_topic):
        ends[new_topic, m.partition] = max(ends.get((new_topic, m.partition), 0), m.offset + 1)
    tps = [(new_topic, p) for p in range(3)]
    probe = EndOffsets(kafka_settings.model_copy(update={"app_id": "watchdog-probe-test"}))
    try:
        assert probe.waiting(tps, {}) == 30  # nothing read, nothing committed
        assert probe.waiting(tps, ends) == 0
        first = min(ends)
        behind = {**ends, first: ends[first] - 4}
        assert probe.waiting(tps, behind) == 4
        assert probe.waiting([], {}) == 0
    finally:
        probe.close()
