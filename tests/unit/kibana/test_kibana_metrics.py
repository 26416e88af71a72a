"""The metrics section of the main dashboard: the app's OTel cost counter on metrics-apm.app*."""

from __future__ import annotations

from typing import Any

from kibana_objects import layers, lens_panels

from scripts.kibana_fields import DATA_VIEW_KINDS, dashboard_uses

METRICS_VIEW = "llmobs-metrics-apm"
# Monotonic counters exported with delta temporality: each document holds one interval's
# increase, so sum is the only aggregation that gives the counted total.
COUNTERS = {"gen_ai.client.cost"}


def _main(dashboards: list[dict[str, Any]]) -> dict[str, Any]:
    (main,) = [d for d in dashboards if d["attributes"]["title"] == "LLM Observability"]
    return main


def _metric_panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        panel
        for panel in lens_panels(dashboard)
        if {r["id"] for r in panel["embeddableConfig"]["attributes"]["references"]}
        == {METRICS_VIEW}
    ]


def test_metrics_data_view_reads_the_app_metrics(sources: list[dict[str, Any]]) -> None:
    (view,) = [obj for obj in sources if obj["id"] == METRICS_VIEW]
    assert view["type"] == "index-pattern"
    assert view["attributes"]["title"] == "metrics-apm.app*"
    assert view["attributes"]["timeFieldName"] == "@timestamp"
    assert DATA_VIEW_KINDS[METRICS_VIEW] == "metrics"


def test_main_dashboard_has_the_metric_panels(dashboards: list[dict[str, Any]]) -> None:
    titles = {p["title"] for p in _metric_panels(_main(dashboards))}
    assert titles == {
        "Cost (metrics, sampling-proof)",
        "Cost over time by model (metrics, USD)",
    }


def test_metric_panels_read_only_metric_fields(dashboards: list[dict[str, Any]]) -> None:
    main = _main(dashboards)
    metric_panels = {p["panelIndex"] for p in _metric_panels(main)}
    uses = [use for use in dashboard_uses(main) if use.where.split("/")[1] in metric_panels]
    assert {use.kind for use in uses} == {"metrics"}
    assert {use.field for use in uses} == {
        "@timestamp",
        "gen_ai.client.cost",
        "labels.gen_ai_cost_model_resolved",
    }


def test_counters_are_summed_never_averaged_or_maxed(dashboards: list[dict[str, Any]]) -> None:
    summed = 0
    for panel in _metric_panels(_main(dashboards)):
        for layer in layers(panel).values():
            for column in layer["columns"].values():
                if column.get("sourceField") in COUNTERS:
                    assert column["operationType"] == "sum", panel["panelIndex"]
                    summed += 1
    assert summed == 2


def test_cost_by_model_splits_on_the_label_the_cost_metric_carries(
    dashboards: list[dict[str, Any]],
) -> None:
    """The cost counter is labelled with the resolved (priced) model, not the requested one."""
    (chart,) = [p for p in _metric_panels(_main(dashboards)) if "by model" in p["title"]]
    (layer,) = layers(chart).values()
    terms = [c for c in layer["columns"].values() if c["operationType"] == "terms"]
    assert [c["sourceField"] for c in terms] == ["labels.gen_ai_cost_model_resolved"]
