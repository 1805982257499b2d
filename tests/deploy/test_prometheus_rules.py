"""The rule files load, and their unit tests pass under promtool."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.deploy.prombinary import require_binary

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "deploy" / "prometheus" / "rules"
RULE_TESTS_DIR = ROOT / "deploy" / "prometheus" / "tests"


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = require_binary("promtool")
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120)


def test_rule_files_are_valid() -> None:
    rules = sorted(str(p) for p in RULES_DIR.glob("*.yml"))
    assert rules
    result = _promtool("check", "rules", *rules)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_unit_tests_pass() -> None:
    tests = sorted(str(p) for p in RULE_TESTS_DIR.glob("*.test.yml"))
    assert tests
    result = _promtool("test", "rules", *tests)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_firing_and_a_quiet_case() -> None:
    alerts = {
        rule["alert"]
        for path in RULES_DIR.glob("*.yml")
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in RULE_TESTS_DIR.glob("*.test.yml"):
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                (firing if case.get("exp_alerts") else quiet).add(case["alertname"])
    assert alerts and firing == alerts and quiet == alerts
