"""streams.gctime: no automatic collection inside a paused stretch, collections timed."""

from __future__ import annotations

import gc

import pytest

from deinfluence.streams import gctime


@pytest.fixture(autouse=True)
def _collector_restored():
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def _make_cycles(n: int) -> None:
    for _ in range(n):
        a: list = []
        a.append(a)


def test_no_collection_runs_inside_a_paused_stretch_and_they_resume_after_it():
    gc.enable()
    gc.set_threshold(100, 10, 10)
    seen: list[int] = []
    clock = gctime.GcClock(lambda generation, _: seen.append(generation))
    try:
        with gctime.paused():
            assert not gc.isenabled() and gctime.pausing()
            seen.clear()  # a collection may have run just before the stretch (threshold 100)
            _make_cycles(5_000)  # 50 young thresholds' worth, all garbage
            assert seen == []
        assert gc.isenabled() and not gctime.pausing()
        _make_cycles(200)
        assert seen, "the collector did not resume after the stretch"
    finally:
        clock.close()


def test_nested_stretches_resume_collections_only_when_the_last_one_ends():
    gc.enable()
    with gctime.paused():
        with gctime.paused():
            pass
        assert not gc.isenabled()  # the outer stretch is still open
    assert gc.isenabled()


def test_an_exception_inside_a_stretch_still_resumes_collections():
    gc.enable()
    with pytest.raises(RuntimeError), gctime.paused():
        raise RuntimeError("boom")
    assert gc.isenabled() and not gctime.pausing()


def test_a_collector_disabled_by_someone_else_stays_disabled():
    gc.disable()
    with gctime.paused():
        assert not gctime.pausing()  # nothing to pause
    assert not gc.isenabled()


def test_the_clock_times_each_collection_with_its_generation():
    got: list[tuple[int, float]] = []
    clock = gctime.GcClock(lambda generation, seconds: got.append((generation, seconds)))
    try:
        gc.collect(1)
        gc.collect(2)
    finally:
        clock.close()
    gc.collect()  # after close: not seen
    assert [g for g, _ in got] == [1, 2]
    assert all(s >= 0 for _, s in got)


def test_configured_off_a_stretch_changes_nothing():
    gc.enable()
    gctime.configure(False)
    try:
        with gctime.paused():
            assert gc.isenabled() and not gctime.pausing()
    finally:
        gctime.configure(True)
    with gctime.paused():
        assert not gc.isenabled()


def test_the_worker_setting_defaults_to_pausing(monkeypatch):
    from deinfluence.settings import Settings

    assert Settings().gc_pause is True
    monkeypatch.setenv("DEINFLUENCE_GC_PAUSE", "false")
    assert Settings().gc_pause is False
