"""Dashboards and rules only query metrics that streams/metrics.py defines."""

from __future__ import annotations

from pathlib import Path

import pytest

from deinfluence.promcheck import (
    dashboard_extras,
    dashboard_queries,
    metric_names,
    rule_expressions,
)
from tests.deploy.metrics_traffic import fresh_metrics

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
RULES = sorted((ROOT / "deploy" / "prometheus" / "rules").glob("*.yml"))
FROM_PROMETHEUS = {"up"}  # synthesised by Prometheus for every target


def _exported() -> set[str]:
    return {s.name for family in fresh_metrics().registry.collect() for s in family.samples}


def _recorded() -> set[str]:
    return {name for path in RULES for name in rule_expressions(path) if ":" in name}


def test_the_files_exist() -> None:
    assert {p.name for p in DASHBOARDS} == {"analyst.json", "operator.json"} and RULES


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_dashboard_metric_is_exported(path: Path) -> None:
    exprs = [q.expr for q in dashboard_queries(path)] + dashboard_extras(path)
    used = set().union(*(metric_names(e) for e in exprs))
    assert used and used - FROM_PROMETHEUS - _exported() == set()


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.name)
def test_every_rule_metric_is_exported_or_recorded(path: Path) -> None:
    used = set().union(*(metric_names(e) for e in rule_expressions(path).values()))
    assert used and used - FROM_PROMETHEUS - _exported() - _recorded() == set()


def test_a_misspelt_metric_would_be_caught() -> None:
    assert metric_names("rate(deinfluence_brand_post_total[5m])") - _exported() == {
        "deinfluence_brand_post_total"
    }
