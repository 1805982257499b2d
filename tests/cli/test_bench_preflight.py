"""``deinfluence bench`` checks the Quix Streams venv before it starts a broker."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from deinfluence.benchkafka import BenchError
from deinfluence.cli import main
from deinfluence.cli.bench_cmd import check_quix_python


def fake_python(tmp_path: Path, stderr: str, status: int) -> Path:
    """An interpreter stand-in that prints ``stderr`` and exits with ``status``."""
    script = tmp_path / "python"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' {stderr!r} >&2\nexit {status}\n")
    script.chmod(0o755)
    return script


def test_a_missing_venv_is_named_with_its_remedy(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match=r"no Quix Streams venv at .*make bench-quix-venv"):
        check_quix_python(str(tmp_path / "nowhere" / "python"))


def test_a_stale_native_engine_fails_with_its_own_error(tmp_path: Path) -> None:
    # what a venv with the native engine of an older build printed (session 28)
    python = fake_python(tmp_path, "ValueError: expected tuple of length 5, but got tuple of length 6", 1)
    with pytest.raises(BenchError) as err:
        check_quix_python(str(python))
    assert "expected tuple of length 5" in str(err.value)
    assert "make bench-quix-venv" in str(err.value)


def test_a_venv_that_builds_the_classifier_passes() -> None:
    check_quix_python(sys.executable)  # this venv builds it (the classify tests rely on that)


def test_bench_stops_before_starting_a_broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DEINFLUENCE_BENCH_QUIX_PYTHON", str(fake_python(tmp_path, "boom", 3)))
    started = time.monotonic()
    code = main(["bench", "--workdir", str(tmp_path / "bench"), "--port", "1"])
    assert code == 2
    assert time.monotonic() - started < 60
    err = capsys.readouterr().err
    assert "cannot build the classifier: boom" in err
    assert "starting a broker" not in err
    assert not (tmp_path / "bench-kafka").exists()  # the broker's data dir was never made
