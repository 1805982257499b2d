"""The pure parts of ``deinfluence soak``: statistics, summary, CSV and plot (no Kafka)."""

from __future__ import annotations

import doctest
import json
import math
import os

import pytest

from deinfluence import soak
from deinfluence.cli.soak_cmd import _finite
from deinfluence.soak import CsvLog, LatencyLedger, Sample, percentile, read_csv, slope_per_hour


def row(t: float, rss: float, lag: tuple[int, int, int] = (0, 0, 0), **kw: float) -> Sample:
    return Sample(elapsed_s=t, posts=int(t * 10), rss_mib=rss, lag_raw=lag[0], lag_routed=lag[1],
                  lag_partials=lag[2], **kw)  # type: ignore[arg-type]


def test_docstring_examples() -> None:
    result = doctest.testmod(soak)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(("q", "expected"), [(0.0, 1.0), (0.5, 51.0), (0.99, 100.0), (1.0, 100.0)])
def test_percentile_by_rank(q: float, expected: float) -> None:
    values = [float(v) for v in range(100, 0, -1)]
    assert percentile(values, q) == expected


def test_percentile_of_nothing_is_nan() -> None:
    assert math.isnan(percentile([], 0.5))


def test_slope_of_a_line_is_its_gradient_per_hour() -> None:
    xs = [0.0, 60.0, 120.0, 180.0]
    assert slope_per_hour(xs, [100 + 0.01 * x for x in xs]) == pytest.approx(36.0)


def test_slope_undefined_under_two_distinct_points() -> None:
    assert math.isnan(slope_per_hour([5.0], [1.0]))
    assert math.isnan(slope_per_hour([5.0, 5.0], [1.0, 2.0]))


def test_rss_slope_ignores_the_warm_up_half() -> None:
    rows = [row(t, 50.0 + t) for t in range(0, 50, 5)] + [row(t, 100.0) for t in range(50, 101, 5)]
    summary = soak.summarize(rows, [1.0], duration=100, rate=10, interval=5, missing=0)
    assert summary["rss_slope_mib_per_hour"] == pytest.approx(0.0)
    assert (summary["rss_start_mib"], summary["rss_peak_mib"], summary["rss_end_mib"]) == (50.0, 100.0, 100.0)


def test_summary_lag_latency_restarts_and_sample_count() -> None:
    rows = [row(5, 10, (1, 2, 3), load1=1.0), row(10, 12, (40, 0, 5), load1=3.0),
            row(15, 0, (0, 0, 0), restarts=1, load1=2.0)]  # the worker was down at 15 s
    summary = soak.summarize(rows, [2.0, 1.0, 3.0], duration=15, rate=10, interval=5, missing=1)
    assert summary["samples"] == summary["samples_expected"] == 3
    assert summary["lag_max"] == 45 and summary["lag_end"] == 0
    assert summary["lag_max_per_topic"] == {"raw": 40, "routed": 2, "partials": 5}
    assert summary["latency_p50_s"] == 2.0 and summary["latency_p99_s"] == 3.0
    assert summary["latency_missing"] == 1 and summary["restarts"] == 1
    assert summary["rss_end_mib"] == 12  # a dead worker's 0 is not a measurement
    assert summary["load1_max"] == 3.0 and summary["load1_mean"] == pytest.approx(2.0)
    assert summary["posts_per_s_achieved"] == pytest.approx(10.0)


def test_csv_round_trip(tmp_path) -> None:
    rows = [row(5, 101.5, (3, 2, 1), latency_n=2, latency_p50_s=1.25, latency_p99_s=2.5),
            row(10, 102.0)]  # no latency sample completed: NaN
    log = CsvLog(tmp_path / "soak.csv")
    for r in rows:
        log.write(r)
    log.close()
    back = read_csv(tmp_path / "soak.csv")
    assert back[0] == rows[0]
    assert back[1].latency_n == 0 and math.isnan(back[1].latency_p50_s)
    assert isinstance(back[1].lag_raw, int)


def test_ledger_reports_each_completed_sample_once() -> None:
    seen: dict[str, float] = {}
    ledger = LatencyLedger(seen)
    ledger.sent("a")
    ledger.sent("b")
    seen["a"] = ledger.pending["a"] + 1.5
    assert ledger.collect() == [pytest.approx(1.5)]
    assert ledger.collect() == [] and list(ledger.pending) == ["b"]


def test_summary_json_has_no_nan() -> None:
    summary = soak.summarize([], [], duration=10, rate=1, interval=5, missing=0)
    text = json.dumps(_finite(summary), allow_nan=False)
    assert json.loads(text)["latency_p50_s"] is None


def test_rss_of_this_process_is_positive() -> None:
    assert soak.rss_mib(os.getpid()) > 1


def test_plot_writes_a_png(tmp_path) -> None:
    from deinfluence.soakplot import plot

    rows = [row(t, 100 + t / 10, (t, 1, 2), latency_n=3, latency_p50_s=1.0, latency_p99_s=2.0)
            for t in range(5, 305, 5)]
    summary = soak.summarize(rows, [1.0, 2.0], duration=300, rate=10, interval=5, missing=0)
    path = plot(rows, tmp_path / "soak.png", summary)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_replot_from_the_written_files(tmp_path) -> None:
    from deinfluence.cli import main

    log = CsvLog(tmp_path / "soak.csv")
    for t in range(5, 30, 5):
        log.write(row(t, 90.0 + t))
    log.close()
    summary = soak.summarize(read_csv(tmp_path / "soak.csv"), [], duration=25, rate=5, interval=5, missing=0)
    (tmp_path / "soak-summary.json").write_text(json.dumps(_finite(summary)))  # latency: null
    assert main(["soak", "--replot", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "soak.png").read_bytes()[:4] == b"\x89PNG"


def test_worker_settings_are_recorded_without_secrets(monkeypatch) -> None:
    from deinfluence.cli.soak_cmd import worker_settings

    monkeypatch.setenv("DEINFLUENCE_DEDUP_HORIZON", "10m")
    monkeypatch.setenv("DEINFLUENCE_SASL_PASSWORD", "hunter2")
    recorded = worker_settings()
    assert recorded["DEINFLUENCE_DEDUP_HORIZON"] == "10m"
    assert "hunter2" not in json.dumps(recorded)


def test_csv_without_the_state_keys_column_still_reads(tmp_path) -> None:
    path = tmp_path / "old.csv"
    old_columns = [c for c in soak.COLUMNS if c != "state_keys"]
    path.write_text(",".join(old_columns) + "\n" + "5.0,100,120.5,1,2,3,1,1.5,1.5,0,0,2.0\n")
    (back,) = read_csv(path)
    assert back.state_keys == 0 and back.rss_mib == 120.5 and back.lag_total == 6


def test_plot_with_state_keys(tmp_path) -> None:
    from deinfluence.soakplot import plot

    rows = [row(t, 100 + t / 10, state_keys=t * 40) for t in range(5, 65, 5)]
    assert plot(rows, tmp_path / "k.png").stat().st_size > 10_000
