"""The committed dashboard JSON is what the generator produces, and follows the conventions."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from deinfluence.promcheck import dashboard_queries, dashboard_variables

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "deploy" / "grafana" / "dashboards.py"
OUT_DIR = ROOT / "deploy" / "grafana" / "dashboards"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deinfluence_dashboards", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_dashboards_are_up_to_date() -> None:
    generated = _generator().generate()
    assert set(generated) == {p.name for p in OUT_DIR.glob("*.json")}
    for name, text in generated.items():
        assert (OUT_DIR / name).read_text() == text, f"{name} is stale: run `make dashboards`"


@pytest.mark.parametrize("name", ["analyst.json", "operator.json"])
def test_rates_use_the_rate_interval_macro(name: str) -> None:
    for q in dashboard_queries(OUT_DIR / name):
        for call in ("rate(", "irate("):
            if call in q.expr.replace("increase(", ""):
                assert "[$__rate_interval]" in q.expr, q


def test_analyst_dashboard_has_a_brand_variable_and_trend_annotations() -> None:
    doc = json.loads((OUT_DIR / "analyst.json").read_text())
    assert dashboard_variables(OUT_DIR / "analyst.json")["brand"][1] == "brand"
    assert any("trend_alerts" in a.get("expr", "") for a in doc["annotations"]["list"])
    titles = " ".join(p["title"].lower() for p in doc["panels"])
    for topic in ("brands", "hashtags", "reasons", "redirect", "sponsored", "trend alerts"):
        assert topic in titles


def test_every_panel_has_a_unique_id_and_the_provisioned_datasource() -> None:
    provisioned = (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text()
    for path in OUT_DIR.glob("*.json"):
        panels = json.loads(path.read_text())["panels"]
        assert len({p["id"] for p in panels}) == len(panels)
        uids = {t["datasource"]["uid"] for p in panels for t in p["targets"]}
        assert len(uids) == 1 and f"uid: {uids.pop()}" in provisioned
