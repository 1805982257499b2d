"""Grafana dashboards as code (grafana-foundation-sdk): `make dashboards` writes the JSON.

Two dashboards, both on the provisioned Prometheus datasource (uid ``prometheus``):

- ``analyst.json``: which brands and hashtags people are being talked out of, how that
  rate moves per brand (``brand`` variable), trend alerts (table and annotations), the
  reasons given, redirect flows ("skip X, buy Y") and sponsored vs organic posts;
- ``operator.json``: throughput, end-to-end latency, consumer lag, dead letters, late
  events, rebalances, batch sizes, stage timings, watermark lag, state size, process.

Every metric queried here is defined in ``streams/metrics.py`` (a test checks that), and
rates use ``$__rate_interval``. Run ``python deploy/grafana/dashboards.py [OUT_DIR]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grafana_foundation_sdk.builders import (
    bargauge,
    common,
    dashboard,
    piechart,
    prometheus,
    stat,
    table,
    timeseries,
)
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.common import (
    BarGaugeDisplayMode,
    LegendDisplayMode,
    StackingMode,
    VizOrientation,
)
from grafana_foundation_sdk.models.dashboard import (
    DataSourceRef,
    VariableOption,
    VariableRefresh,
    VariableSort,
)
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

DATASOURCE = DataSourceRef(type_val="prometheus", uid="prometheus")
OUT_DIR = Path(__file__).parent / "dashboards"
RI = "$__rate_interval"
BRAND = 'brand=~"$brand"'
INSTANCE = 'instance=~"$instance"'


def query(expr: str, legend: str = "", *, instant: bool = False) -> prometheus.Dataquery:
    q = prometheus.Dataquery().expr(expr).datasource(DATASOURCE)
    if legend:
        q = q.legend_format(legend)
    return q.instant() if instant else q.range()


def series(
    title: str, unit: str, *queries: prometheus.Dataquery, span: int = 12, stacked: bool = False
) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .title(title)
        .unit(unit)
        .span(span)
        .height(8)
        .datasource(DATASOURCE)
        .legend(_legend())
        .targets(list(queries))
    )
    if stacked:
        panel = panel.stacking(common.StackingConfig().mode(StackingMode.NORMAL)).fill_opacity(30)
    return panel


def _legend() -> common.VizLegendOptions:
    return common.VizLegendOptions().display_mode(LegendDisplayMode.LIST).show_legend(True)


def single(title: str, unit: str, expr: str, span: int = 6) -> stat.Panel:
    return (
        stat.Panel()
        .title(title)
        .unit(unit)
        .span(span)
        .height(4)
        .datasource(DATASOURCE)
        .with_target(query(expr))
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
    )


def ranking(title: str, expr: str, legend: str, span: int = 12) -> bargauge.Panel:
    return (
        bargauge.Panel()
        .title(title)
        .unit("short")
        .span(span)
        .height(10)
        .datasource(DATASOURCE)
        .with_target(query(expr, legend, instant=True))
        .orientation(VizOrientation.HORIZONTAL)
        .display_mode(BarGaugeDisplayMode.GRADIENT)
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
    )


def listing(title: str, expr: str, span: int = 12) -> table.Panel:
    target = query(expr, instant=True).format(PromQueryFormat.TABLE)
    return (
        table.Panel().title(title).span(span).height(10).datasource(DATASOURCE).with_target(target)
    )


def label_variable(name: str, metric: str, label: str) -> dashboard.QueryVariable:
    return (
        dashboard.QueryVariable(name)
        .label(name)
        .datasource(DATASOURCE)
        .query(f"label_values({metric}, {label})")
        .multi(True)
        .include_all(True)
        .all_value(".*")
        .current(VariableOption(text="All", value="$__all", selected=True))
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(VariableSort.ALPHABETICAL_ASC)
    )


def analyst() -> dashboard.Dashboard:
    deinf = 'stance="deinfluencing"'
    rate_ratio = (
        f"sum by (brand) (rate(deinfluence_brand_posts_total{{{deinf}, {BRAND}}}[{RI}]))"
        f" / sum by (brand) (rate(deinfluence_brand_posts_total{{{BRAND}}}[{RI}]))"
    )
    trend_annotation = (
        dashboard.AnnotationQuery()
        .name("Trend alerts")
        .datasource(DATASOURCE)
        .enable(True)
        .icon_color("red")
        .expr(f"sum by (brand) (changes(deinfluence_brand_trend_alerts_total{{{BRAND}}}[2m])) > 0")
    )
    return (
        dashboard.Dashboard("De-influencing: brands and hashtags")
        .uid("deinfluence-analyst")
        .tags(["deinfluence"])
        .refresh("1m")
        .time("now-6h", "now")
        .timezone("browser")
        .with_variable(label_variable("brand", "deinfluence_brand_posts_total", "brand"))
        .with_variable(label_variable("window", "deinfluence_brand_deinfluencing_rate", "window"))
        .annotation(trend_annotation)
        .with_panel(
            single(
                "Posts classified per second",
                "short",
                "sum(rate(deinfluence_classified_posts_total[$__rate_interval]))",
            )
        )
        .with_panel(
            single(
                "De-influencing share",
                "percentunit",
                f"sum(rate(deinfluence_classified_posts_total{{{deinf}}}[{RI}]))"
                f" / sum(rate(deinfluence_classified_posts_total[{RI}]))",
            )
        )
        .with_panel(
            single(
                "Trend alerts (range)",
                "short",
                "sum(increase(deinfluence_brand_trend_alerts_total[$__range]))"
                " + sum(increase(deinfluence_hashtag_trend_alerts_total[$__range]))",
            )
        )
        .with_panel(single("Tracked brands", "short", "count(deinfluence_brand_tracked == 1)"))
        .with_panel(
            ranking(
                "Top de-influenced brands (posts in range)",
                f'topk(10, sum by (brand) (increase(deinfluence_brand_posts_total{{{deinf}, brand!="other"}}[$__range])))',
                "{{brand}}",
            )
        )
        .with_panel(
            ranking(
                "Top de-influencing hashtags (posts in range)",
                f'topk(10, sum by (hashtag) (increase(deinfluence_hashtag_posts_total{{{deinf}, hashtag!="other"}}[$__range])))',
                "{{hashtag}}",
            )
        )
        .with_panel(
            series(
                "De-influencing rate per brand (stream)",
                "percentunit",
                query(rate_ratio, "{{brand}}"),
            )
        )
        .with_panel(
            series(
                "De-influencing rate per brand (published windows)",
                "percentunit",
                query(
                    f'deinfluence_brand_deinfluencing_rate{{{BRAND}, window=~"$window"}}',
                    "{{brand}} {{window}}",
                ),
            )
        )
        .with_panel(
            series(
                "Stance toward $brand",
                "short",
                query(
                    f"sum by (stance) (rate(deinfluence_brand_posts_total{{{BRAND}}}[{RI}]))",
                    "{{stance}}",
                ),
                stacked=True,
            )
        )
        .with_panel(
            series(
                "Sponsored vs organic de-influencing posts",
                "short",
                query(
                    f"sum by (sponsored) (rate(deinfluence_classified_posts_total{{{deinf}}}[{RI}]))",
                    "sponsored={{sponsored}}",
                ),
                stacked=True,
            )
        )
        .with_panel(
            piechart.Panel()
            .title("Reasons given (range)")
            .span(8)
            .height(10)
            .datasource(DATASOURCE)
            .with_target(
                query(
                    "sum by (reason) (increase(deinfluence_deinfluencing_reasons_total[$__range]))",
                    "{{reason}}",
                    instant=True,
                )
            )
            .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]))
        )
        .with_panel(
            ranking(
                "Redirect flows: de-influenced -> promoted (range)",
                'topk(15, sum by (from_brand, to_brand) (increase(deinfluence_redirects_total{from_brand!="other"}[$__range])))',
                "{{from_brand}} -> {{to_brand}}",
                span=16,
            )
        )
        .with_panel(
            listing(
                "Trend alerts per brand (range)",
                f"topk(20, sum by (brand) (increase(deinfluence_brand_trend_alerts_total{{{BRAND}}}[$__range])))",
            )
        )
        .with_panel(
            listing(
                "Trend alerts per hashtag (range)",
                "topk(20, sum by (hashtag) (increase(deinfluence_hashtag_trend_alerts_total[$__range])))",
            )
        )
        .with_panel(
            series(
                "De-influencing rate per hashtag (published windows)",
                "percentunit",
                query(
                    'topk(10, deinfluence_hashtag_deinfluencing_rate{window=~"$window"})',
                    "#{{hashtag}} {{window}}",
                ),
                span=24,
            )
        )
    )


def operator() -> dashboard.Dashboard:
    def hq(q: float, metric: str, by: str = "") -> str:
        group = f"le, {by}" if by else "le"
        return (
            f"histogram_quantile({q}, sum by ({group}) (rate({metric}_bucket{{{INSTANCE}}}[{RI}])))"
        )

    latency = "deinfluence_end_to_end_latency_seconds"
    return (
        dashboard.Dashboard("De-influencing pipeline: operations")
        .uid("deinfluence-operator")
        .tags(["deinfluence"])
        .refresh("30s")
        .time("now-1h", "now")
        .timezone("browser")
        .with_variable(label_variable("instance", "deinfluence_build_info", "instance"))
        .with_panel(single("Workers up", "short", 'sum(up{job="deinfluence-worker"})'))
        .with_panel(
            single("Workers ready", "short", f"sum(deinfluence_worker_ready{{{INSTANCE}}})")
        )
        .with_panel(
            single(
                "Dead-letter share",
                "percentunit",
                f"sum(rate(deinfluence_deadletter_posts_total[{RI}]))"
                f' / sum(rate(deinfluence_posts_consumed_total{{topic="posts.raw"}}[{RI}]))',
            )
        )
        .with_panel(
            single(
                "Consumer lag (messages)",
                "short",
                f"sum(deinfluence_consumer_lag_messages{{{INSTANCE}}})",
            )
        )
        .with_panel(
            series(
                "Throughput (messages/s)",
                "short",
                query(
                    f"sum by (topic) (rate(deinfluence_messages_consumed_total{{{INSTANCE}}}[{RI}]))",
                    "in {{topic}}",
                ),
                query(
                    f"sum by (topic) (rate(deinfluence_messages_published_total{{{INSTANCE}}}[{RI}]))",
                    "out {{topic}}",
                ),
                query(
                    f"sum by (topic) (rate(deinfluence_posts_consumed_total{{{INSTANCE}}}[{RI}]))",
                    "posts {{topic}}",
                ),
            )
        )
        .with_panel(
            series(
                "End-to-end latency (ingest -> aggregate published)",
                "s",
                query(hq(0.5, latency), "p50"),
                query(hq(0.95, latency), "p95"),
                query(hq(0.99, latency), "p99"),
            )
        )
        .with_panel(
            series(
                "Consumer lag per partition",
                "short",
                query(
                    f"sum by (topic, partition) (deinfluence_consumer_lag_messages{{{INSTANCE}}})",
                    "{{topic}}/{{partition}}",
                ),
            )
        )
        .with_panel(
            series(
                "Dead letters by reason (posts/s)",
                "short",
                query(
                    f"sum by (reason) (rate(deinfluence_deadletter_posts_total{{{INSTANCE}}}[{RI}]))",
                    "{{reason}}",
                ),
                stacked=True,
            )
        )
        .with_panel(
            series(
                "Late events (events/s)",
                "short",
                query(
                    f"sum by (outcome) (rate(deinfluence_late_events_total{{{INSTANCE}}}[{RI}]))",
                    "{{outcome}}",
                ),
            )
        )
        .with_panel(
            series(
                "Rebalances",
                "short",
                query(
                    f"sum by (instance) (increase(deinfluence_rebalances_total{{{INSTANCE}}}[{RI}]))",
                    "{{instance}}",
                ),
            )
        )
        .with_panel(
            series(
                "Batch size (posts)",
                "short",
                query(hq(0.5, "deinfluence_batch_posts", "agent"), "p50 {{agent}}"),
                query(hq(0.95, "deinfluence_batch_posts", "agent"), "p95 {{agent}}"),
            )
        )
        .with_panel(
            series(
                "Stage time p95 per batch",
                "s",
                query(hq(0.95, "deinfluence_stage_duration_seconds", "stage"), "{{stage}}"),
            )
        )
        .with_panel(
            series(
                "Busy time per stage (seconds per second)",
                "percentunit",
                query(
                    f"sum by (stage) (rate(deinfluence_stage_duration_seconds_sum{{{INSTANCE}}}[{RI}]))",
                    "{{stage}}",
                ),
                stacked=True,
            )
        )
        .with_panel(
            series(
                "Watermark lag per window size",
                "s",
                query(
                    f"max by (window) (deinfluence_watermark_lag_seconds{{{INSTANCE}}})",
                    "{{window}}",
                ),
            )
        )
        .with_panel(
            series(
                "State size (keys per table)",
                "short",
                query(f"sum by (table) (deinfluence_state_keys{{{INSTANCE}}})", "{{table}}"),
            )
        )
        .with_panel(
            series(
                "Process CPU and memory",
                "short",
                query(
                    f'rate(process_cpu_seconds_total{{job="deinfluence-worker", {INSTANCE}}}[{RI}])',
                    "cpu {{instance}}",
                ),
                query(
                    f'process_resident_memory_bytes{{job="deinfluence-worker", {INSTANCE}}} / 2^30',
                    "GiB {{instance}}",
                ),
            )
        )
    )


def render(board: dashboard.Dashboard) -> str:
    """Stable JSON text of a dashboard (sorted keys, trailing newline, ids and refIds set)."""
    built = board.build()
    for number, panel in enumerate(built.panels or [], start=1):
        panel.id_val = number  # type: ignore[union-attr]
        for index, target in enumerate(panel.targets or []):  # type: ignore[union-attr]
            target.ref_id = chr(ord("A") + index)  # type: ignore[attr-defined]
    return json.dumps(built, cls=JSONEncoder, indent=2, sort_keys=True) + "\n"


DASHBOARDS = {"analyst.json": analyst, "operator.json": operator}


def generate() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {name: render(build()) for name, build in DASHBOARDS.items()}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for name, text in generate().items():
        (out / name).write_text(text)
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
