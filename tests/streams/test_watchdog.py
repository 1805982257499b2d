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
