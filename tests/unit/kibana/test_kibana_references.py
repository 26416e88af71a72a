"""Every reference resolves: data views, Lens layers, panel references, saved searches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kibana_objects import layers, lens_panels

REPO = Path(__file__).resolve().parents[3]
GRID_COLUMNS = 48
LLM_FILTER = 'span.type : "genai"'


def _ids(objects: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(obj["type"], obj["id"]) for obj in objects}


def test_ids_are_stable_prefixed_and_unique(sources: list[dict[str, Any]]) -> None:
    ids = [obj["id"] for obj in sources]
    assert len(ids) == len(set(ids))
    assert all(obj_id.startswith("llmobs-") for obj_id in ids)
    assert {obj["type"] for obj in sources} == {"index-pattern", "search", "dashboard"}


def test_objects_declare_the_8x_format(sources: list[dict[str, Any]]) -> None:
    for obj in sources:
        assert obj["coreMigrationVersion"] == "8.8.0", obj["id"]
        assert obj["typeMigrationVersion"].split(".")[0] in {"7", "8"}, obj["id"]


def test_exported_references_resolve(exported: list[dict[str, Any]]) -> None:
    known = _ids(exported)
    for obj in exported:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in known, (obj["id"], ref)


def test_data_view_is_the_one_setup_creates(sources: list[dict[str, Any]]) -> None:
    """Setup creates the data view first, then the import refines it: same id, title, name."""
    setup_view = json.loads((REPO / "setup" / "data" / "data_view.json").read_text())
    (view,) = [obj for obj in sources if obj["id"] == "llmobs-traces-apm"]
    assert view["id"] == setup_view["id"]
    for key in ("title", "name", "timeFieldName"):
        assert view["attributes"][key] == setup_view[key]


def test_every_lens_layer_has_a_data_view_reference(dashboards: list[dict[str, Any]]) -> None:
    for dashboard in dashboards:
        for panel in lens_panels(dashboard):
            refs = {r["name"]: r for r in panel["embeddableConfig"]["attributes"]["references"]}
            for layer_id in layers(panel):
                ref = refs[f"indexpattern-datasource-layer-{layer_id}"]
                assert ref["type"] == "index-pattern"


def test_dashboard_references_carry_each_lens_panel_prefix(exported: list[dict[str, Any]]) -> None:
    for dashboard in (obj for obj in exported if obj["type"] == "dashboard"):
        names = {ref["name"] for ref in dashboard["references"]}
        panels = json.loads(dashboard["attributes"]["panelsJSON"])
        for panel in panels:
            if panel["type"] == "lens":
                for ref in panel["embeddableConfig"]["attributes"]["references"]:
                    assert f"{panel['panelIndex']}:{ref['name']}" in names
            else:
                assert f"{panel['panelIndex']}:{panel['panelRefName']}" in names


def test_every_saved_search_is_placed_on_a_dashboard(exported: list[dict[str, Any]]) -> None:
    searches = {obj["id"] for obj in exported if obj["type"] == "search"}
    placed = {
        ref["id"]
        for obj in exported
        if obj["type"] == "dashboard"
        for ref in obj["references"]
        if ref["type"] == "search"
    }
    assert searches and searches == placed


def test_panel_grid_is_valid_and_panels_do_not_overlap(dashboards: list[dict[str, Any]]) -> None:
    for dashboard in dashboards:
        cells: set[tuple[int, int]] = set()
        indices = [panel["panelIndex"] for panel in dashboard["attributes"]["panelsJSON"]]
        assert len(indices) == len(set(indices))
        for panel in dashboard["attributes"]["panelsJSON"]:
            grid = panel["gridData"]
            assert grid["i"] == panel["panelIndex"]
            assert grid["x"] >= 0 and grid["x"] + grid["w"] <= GRID_COLUMNS
            area = {
                (x, y)
                for x in range(grid["x"], grid["x"] + grid["w"])
                for y in range(grid["y"], grid["y"] + grid["h"])
            }
            assert not cells & area, panel["panelIndex"]
            cells |= area


def _accessors(visualization: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in ("metricAccessor", "xAccessor", "splitAccessor"):
        if key in visualization:
            found.add(visualization[key])
    found |= set(visualization.get("accessors", []))
    for key in ("primaryGroups", "metrics"):
        found |= set(visualization.get(key, []))
    found |= {column["columnId"] for column in visualization.get("columns", [])}
    for layer in visualization.get("layers", []):
        found |= _accessors(layer)
    return found


def test_visualizations_point_at_existing_columns(dashboards: list[dict[str, Any]]) -> None:
    for dashboard in dashboards:
        for panel in lens_panels(dashboard):
            state = panel["embeddableConfig"]["attributes"]["state"]
            columns = {cid for layer in layers(panel).values() for cid in layer["columns"]}
            used = _accessors(state["visualization"])
            assert used and used <= columns, panel["panelIndex"]
            for layer in layers(panel).values():
                assert sorted(layer["columnOrder"]) == sorted(layer["columns"])


def _sortable(layer: dict[str, Any], column_id: str) -> bool:
    """Kibana's isSortableByColumn: a metric that neither references nor is referenced."""
    column = layer["columns"].get(column_id)
    referenced = {ref for col in layer["columns"].values() for ref in col.get("references", [])}
    return (
        column is not None
        and not column["isBucketed"]
        and "references" not in column
        and column_id not in referenced
        and column["operationType"] not in ("formula", "math", "last_value")
    )


def test_terms_rank_by_what_lens_can_sort_by(exported: list[dict[str, Any]]) -> None:
    """Ranking terms by a formula column is invalid in Lens: those rank by a custom aggregation."""
    ranked = 0
    for dashboard in (obj for obj in exported if obj["type"] == "dashboard"):
        for panel in json.loads(dashboard["attributes"]["panelsJSON"]):
            if panel["type"] != "lens":
                continue
            for layer in layers(panel).values():
                for column in layer["columns"].values():
                    if column["operationType"] != "terms":
                        continue
                    ranked += 1
                    order_by = column["params"]["orderBy"]
                    if order_by["type"] == "column":
                        assert _sortable(layer, order_by["columnId"]), panel["panelIndex"]
                    else:
                        assert order_by["type"] == "custom"
                        assert column["params"]["orderAgg"]["operationType"] == "count"
    assert ranked >= 15


def test_exported_layers_list_every_helper_column(exported: list[dict[str, Any]]) -> None:
    for dashboard in (obj for obj in exported if obj["type"] == "dashboard"):
        for panel in json.loads(dashboard["attributes"]["panelsJSON"]):
            if panel["type"] != "lens":
                continue
            for layer in layers(panel).values():
                assert sorted(layer["columnOrder"]) == sorted(layer["columns"])
                for column in layer["columns"].values():
                    for ref in column.get("references", []):
                        assert ref in layer["columns"]


def test_main_dashboard_panels_read_llm_spans_only(dashboards: list[dict[str, Any]]) -> None:
    (main,) = [d for d in dashboards if d["attributes"]["title"] == "LLM Observability"]
    for panel in lens_panels(main):
        attributes = panel["embeddableConfig"]["attributes"]
        views = {ref["id"] for ref in attributes["references"]}
        if views == {"llmobs-traces-apm"}:
            assert LLM_FILTER in attributes["state"]["query"]["query"], panel["panelIndex"]


def test_saved_searches_on_traces_read_llm_spans(sources: list[dict[str, Any]]) -> None:
    searches = [obj for obj in sources if obj["type"] == "search"]
    on_traces = [s for s in searches if s["references"][0]["id"] == "llmobs-traces-apm"]
    assert len(on_traces) == 2
    for search in on_traces:
        source = search["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"]
        assert LLM_FILTER in source["query"]["query"]
        assert "trace.id" in search["attributes"]["columns"]


def test_issue_panels_are_present(dashboards: list[dict[str, Any]]) -> None:
    titles = {p["title"] for d in dashboards for p in d["attributes"]["panelsJSON"]}
    for expected in (
        "Total cost (USD)",
        "LLM calls",
        "Input tokens",
        "Output tokens",
        "Average cost per call (USD)",
        "Error rate",
        "Unpriced calls",
        "Cost distribution by model",
        "Tokens per dollar by model",
        "Rate-limited (429) LLM calls over time",
        "Top pseudonymous users by cost",
        "Cost per workflow run",
        "Sommelier pairing attempts (retries)",
        "Agent spans by refinement round",
    ):
        assert expected in titles


VIS_TYPES = {"lnsMetric", "lnsXY", "lnsPie", "lnsDatatable"}
SERIES_TYPES = {
    "bar",
    "bar_stacked",
    "bar_horizontal",
    "bar_horizontal_stacked",
    "line",
    "area",
    "area_stacked",
}
FORMATS = {"number", "percent"}


def test_lens_states_use_known_shapes(dashboards: list[dict[str, Any]]) -> None:
    for dashboard in dashboards:
        for panel in lens_panels(dashboard):
            attributes = panel["embeddableConfig"]["attributes"]
            visualization = attributes["state"]["visualization"]
            assert attributes["visualizationType"] in VIS_TYPES
            if attributes["visualizationType"] == "lnsXY":
                assert visualization["preferredSeriesType"] in SERIES_TYPES
                for layer in visualization["layers"]:
                    assert layer["seriesType"] in SERIES_TYPES and layer["layerType"] == "data"
            if attributes["visualizationType"] == "lnsPie":
                assert visualization["shape"] == "donut"
            (layer_id,) = layers(panel)
            assert layer_id in json.dumps(visualization)
            for column in layers(panel)[layer_id]["columns"].values():
                fmt = column.get("params", {}).get("format")
                assert fmt is None or fmt["id"] in FORMATS
