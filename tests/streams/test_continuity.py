"""Gap arithmetic of streams.continuity: replays skipped, every missing offset found."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deinfluence.streams.continuity import gaps


def test_contiguous_input_has_no_gap():
    assert gaps([10, 11, 12], 10) == []
    assert gaps([], 7) == []


def test_a_commit_ahead_of_the_state_is_a_gap_before_the_batch():
    assert gaps([41, 42], 0) == [(0, 41)]


def test_replays_below_the_need_are_not_gaps():
    assert gaps([3, 4, 5, 9], 6) == [(6, 9)]


@given(st.sets(st.integers(0, 300)), st.integers(0, 300))
def test_delivered_plus_gaps_cover_everything_from_the_need(delivered, need):
    offsets = sorted(delivered)
    found = gaps(offsets, need)
    covered = {o for o in offsets if o >= need}
    for start, end in found:
        assert need <= start < end
        span = set(range(start, end))
        assert not span & covered  # a gap never holds a delivered offset
        covered |= span
    top = max(offsets, default=need - 1)
    assert covered == set(range(need, top + 1))
