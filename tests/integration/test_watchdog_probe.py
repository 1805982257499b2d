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


def test_probe_of_an_unreachable_broker_raises_so_an_outage_is_no_stall(kafka_settings: Settings) -> None:
    """``Agents.waiting_input`` counts a probe that fails as nothing waiting: a worker idle
    because its broker is down must not exit as stalled (it did, from the cached lag, before
    the probe became the only source)."""
    import socket

    import pytest

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{s.getsockname()[1]}"
    probe = EndOffsets(kafka_settings.model_copy(update={"bootstrap": dead, "app_id": "probe-dead"}),
                       timeout=2.0)
    try:
        with pytest.raises(Exception):  # noqa: B017,PT011 - librdkafka's KafkaException or a timeout
            probe.waiting([("posts.raw", 0)], {})
    finally:
        probe.close()
