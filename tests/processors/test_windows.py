from hypothesis import given
from hypothesis import strategies as st

from deinfluence.processors.windows import (
    WindowSpec,
    format_duration,
    pane_of,
    pane_size,
    parse_window,
    parse_windows,
    rfc3339,
)

SPECS = st.sampled_from(["5m", "1h", "1h/15m", "1h/5m", "1d/1h", "30s", "10m/5m"]).map(parse_window)
TIMES = st.integers(min_value=1_072_915_200_000, max_value=4_102_444_800_000)


def test_parse_and_name_round_trip():
    assert [s.name for s in parse_windows("1h/15m, 5m,5m")] == ["5m", "1h/15m"]
    assert parse_window("1h/60m") == WindowSpec(3_600_000, 3_600_000)
    assert format_duration(90_000) == "90s"


@given(SPECS, TIMES)
def test_every_instant_is_in_size_over_step_windows(spec, t):
    starts = list(spec.starts_containing(t))
    assert len(starts) == spec.size_ms // spec.step_ms
    for start in starts:
        assert start <= t < start + spec.size_ms
        assert start % spec.step_ms == 0


@given(SPECS, TIMES)
def test_window_boundary_belongs_to_the_next_window(spec, t):
    boundary = t - t % spec.step_ms
    assert boundary in spec.starts_containing(boundary)
    assert boundary - spec.size_ms not in spec.starts_containing(boundary)


@given(st.lists(SPECS, min_size=1, max_size=3), TIMES)
def test_panes_tile_every_window(specs, t):
    pane = pane_size(specs)
    for spec in specs:
        assert spec.size_ms % pane == 0 and spec.step_ms % pane == 0
        for start in spec.starts_containing(t):
            assert start <= pane_of(t, pane) < start + spec.size_ms


def test_offsets_do_not_matter():
    from deinfluence.schemas.post import parse_timestamp_ms

    a = parse_timestamp_ms("2026-11-02T18:21:00+02:00")
    b = parse_timestamp_ms("2026-11-02T16:21:00Z")
    assert a == b
    assert rfc3339(pane_of(a, 300_000)) == "2026-11-02T16:20:00Z"
