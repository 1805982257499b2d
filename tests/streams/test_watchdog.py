"""The stall watchdog exits only when input waits (or a rebalance hangs) past the limit."""

from __future__ import annotations

import pytest

from deinfluence.streams.watchdog import stalled


@pytest.mark.parametrize(("rebalancing", "waiting", "idle_for", "exits"), [
    (False, 10, 61, True),    # input waits, nothing moved past the limit
    (False, 0, 600, False),   # idle because there is nothing to read
    (False, 10, 30, False),   # still within the limit
    (True, 0, 120, False),    # a rebalance may take a while...
    (True, 0, 181, True),     # ...but not forever
])
def test_watchdog_decision(rebalancing, waiting, idle_for, exits):
    assert stalled(60.0, idle_for, rebalancing, waiting) is exits


def test_limit_zero_never_exits():
    assert not stalled(0.0, 10_000, False, 10)


@pytest.mark.parametrize(("highwater", "next_offset", "waiting"), [
    (None, 0, True),   # never fetched: unknown, so not idle
    (0, 0, False),     # an empty partition
    (120, 120, False), # everything read
    (121, 120, True),  # one record not read yet: the worker is behind, the source is not idle
])
def test_a_raw_partition_is_idle_only_when_nothing_waits(highwater, next_offset, waiting):
    from deinfluence.streams.agents import records_may_wait

    assert records_may_wait(highwater, next_offset) is waiting


RAW0, RAW1, ROUTED0 = ("posts.raw", 0), ("posts.raw", 1), ("deinfluence.routed", 0)


def test_a_partition_is_quiet_when_its_own_reads_stopped_however_busy_the_others_are():
    """Downstream agents kept busy by idle announcements hid a stuck classify agent when
    any batch counted as progress; the check is per partition now."""
    from deinfluence.streams.watchdog import quiet_partitions

    quiet = quiet_partitions(now=100.0, limit=30.0, assigned=[RAW0, RAW1, ROUTED0],
                             advanced_at={RAW0: 50.0, RAW1: 95.0, ROUTED0: 99.0}, since=0.0,
                             busy=[], last_ack=99.0)
    assert quiet == {RAW0: 50.0}


def test_a_partition_never_read_is_timed_from_the_assignment():
    from deinfluence.streams.watchdog import quiet_partitions

    args = {"limit": 30.0, "assigned": [RAW0], "advanced_at": {RAW0: 10.0}, "since": 60.0,
            "busy": [], "last_ack": 0.0}
    assert quiet_partitions(now=80.0, **args) == {}  # 20 s since the rebalance completed
    assert quiet_partitions(now=95.0, **args) == {RAW0: 35.0}


def test_a_batch_whose_records_are_still_being_acked_is_back_pressure_not_a_stall():
    """The classify agent inside a slow batch (a broker quota on the worker's writes): every
    input partition waits behind it, the other topics' too (Faust's one fetcher blocks on
    the full stream buffer)."""
    from deinfluence.streams.watchdog import quiet_partitions

    args = {"limit": 30.0, "assigned": [RAW0, RAW1, ROUTED0],
            "advanced_at": {RAW0: 0.0, RAW1: 0.0, ROUTED0: 0.0}, "since": 0.0, "busy": ["posts.raw"]}
    assert quiet_partitions(now=100.0, last_ack=90.0, **args) == {}
    # the same batch with no acknowledgement for the limit: stuck, not slow
    assert quiet_partitions(now=100.0, last_ack=60.0, **args) == {RAW0: 100.0, RAW1: 100.0, ROUTED0: 100.0}
