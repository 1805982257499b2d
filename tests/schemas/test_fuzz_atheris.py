"""A short libFuzzer run (atheris, the optional ``fuzz`` extra) of the decoder harness."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[2] / "bench" / "fuzz_decoder_atheris.py"
RUNS = 20_000

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (optional extra: pip install -e '.[fuzz]')",
)


def test_atheris_finds_no_crash_in_the_decoder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    proc = subprocess.run(
        [sys.executable, str(HARNESS), str(corpus), f"-runs={RUNS}", "-seed=1",
         f"-artifact_prefix={tmp_path}/"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert f"Done {RUNS} runs" in proc.stderr
    assert not list(tmp_path.glob("crash-*"))
    assert len(list(corpus.iterdir())) > 2  # it explored beyond the seeds
