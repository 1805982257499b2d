"""CardinalityGuard: tracked keys, a stable top K, everything else `other`."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deinfluence.processors.cardinality import OTHER, CardinalityGuard


def test_tracked_keys_always_get_their_own_label() -> None:
    guard = CardinalityGuard(top_k=0, tracked=["dyson"])
    assert [guard.observe(k) for k in ["dyson", "stanley", "dyson"]] == ["dyson", OTHER, "dyson"]


def test_heavy_keys_win_the_top_k_in_a_skewed_stream() -> None:
    rng = random.Random(7)
    heavy = [f"heavy{i}" for i in range(5)]
    guard = CardinalityGuard(top_k=5, capacity=50)
    for i in range(200_000):
        guard.observe(rng.choice(heavy) if i % 4 == 0 else f"noise{i}")
    assert guard.labels == frozenset(heavy) | {OTHER}


def test_a_flood_of_one_off_keys_never_displaces_anything() -> None:
    guard = CardinalityGuard(top_k=3, capacity=30)
    for key in ["a", "b", "c"] * 10:
        guard.observe(key)
    for i in range(100_000):
        assert guard.observe(f"once{i}") == OTHER
    assert guard.labels == {"a", "b", "c", OTHER}
    assert guard.drain_evicted() == []


def test_two_keys_of_similar_volume_do_not_flap() -> None:
    guard = CardinalityGuard(top_k=1, capacity=10, hysteresis=1.5)
    changes, previous = 0, None
    for i in range(10_000):
        guard.observe("x" if i % 2 else "y")
        current = guard.labels
        changes += current != previous and previous is not None
        previous = current
    assert changes == 0


def test_a_key_that_grows_clearly_past_the_weakest_displaces_it_and_is_reported() -> None:
    guard = CardinalityGuard(top_k=1, capacity=10, hysteresis=1.5)
    for _ in range(10):
        guard.observe("old")
    labels = [guard.observe("new") for _ in range(16)]
    assert labels[:15] == [OTHER] * 15 and labels[15] == "new"
    assert guard.drain_evicted() == ["old"] and guard.drain_evicted() == []
    assert guard.label("old") == OTHER


@given(st.lists(st.integers(0, 300), max_size=3000), st.integers(0, 8))
def test_labels_are_bounded_whatever_the_stream(keys: list[int], top_k: int) -> None:
    guard = CardinalityGuard(top_k=top_k, tracked=["t1", "t2"], capacity=4 * top_k)
    labels = {guard.observe(str(k)) for k in keys}
    assert len(guard.labels) <= top_k + 3
    assert labels <= {str(k) for k in keys} | {OTHER}


@given(st.lists(st.sampled_from("abcdefgh"), max_size=500))
def test_volume_bounds_bracket_the_true_count(keys: list[str]) -> None:
    guard = CardinalityGuard(top_k=2, capacity=3)
    for key in keys:
        guard.observe(key)
    for key in set(keys):
        low, high = guard.volume(key)
        assert low <= keys.count(key) <= high


def test_invalid_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        CardinalityGuard(top_k=-1)
    with pytest.raises(ValueError):
        CardinalityGuard(top_k=1, hysteresis=0.5)
