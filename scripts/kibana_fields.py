"""Which Elasticsearch fields the project's Kibana objects and alert rules read, and from where.

The tests compare this set with kibana/fields.json (tier 1) and with the documents the pipeline
tier produces (tier 3), so a renamed attribute breaks a test, not a dashboard.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.lens_formula import RECORDS_FIELD, formula_fields, kql_fields

# data view id -> the kind of documents it reads (the "in" values of kibana/fields.json)
DATA_VIEW_KINDS = {
    "llmobs-traces-apm": "traces",
    "llmobs-metrics-apm": "metrics",
    "llmobs-alerts": "alerts",
}
INDEX_KINDS = {"traces-apm*": "traces"}

_ESQL_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_ESQL_FIELD = re.compile(r"@timestamp|\b[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+\b")
_DSL_FIELD_QUERIES = {"term", "terms", "range", "match", "match_phrase", "prefix", "wildcard"}


@dataclass(frozen=True, order=True)
class FieldUse:
    """One field read by one object: where (object id) and from which kind of documents."""

    field: str
    kind: str
    where: str


def load_json(path: Path) -> Any:
    """Read one JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def esql_fields(query: str) -> set[str]:
    """Dotted field names (and @timestamp) in an ES|QL query, ignoring string literals."""
    return set(_ESQL_FIELD.findall(_ESQL_STRING.sub('""', query)))


def dsl_fields(node: Any) -> set[str]:
    """Field names in an Elasticsearch query DSL tree (term/terms/range/match/… and exists)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _DSL_FIELD_QUERIES and isinstance(value, dict):
                found |= {name for name in value if name != "boost"}
            elif key == "exists" and isinstance(value, dict):
                found.add(value["field"])
            found |= dsl_fields(value)
    elif isinstance(node, list):
        for item in node:
            found |= dsl_fields(item)
    return found


def _lens_fields(attributes: dict[str, Any]) -> set[str]:
    state = attributes["state"]
    fields = kql_fields(state["query"]["query"])
    for layer in state["datasourceStates"]["formBased"]["layers"].values():
        for column in layer["columns"].values():
            if column.get("sourceField") not in (None, RECORDS_FIELD):
                fields.add(column["sourceField"])
            if "filter" in column:
                fields |= kql_fields(column["filter"]["query"])
            if column["operationType"] == "formula":
                fields |= formula_fields(column["params"]["formula"])
            order_agg = column.get("params", {}).get("orderAgg") or {}
            if order_agg.get("sourceField") not in (None, RECORDS_FIELD):
                fields.add(order_agg["sourceField"])
    return fields


def _lens_kind(attributes: dict[str, Any]) -> str:
    views = {ref["id"] for ref in attributes["references"] if ref["type"] == "index-pattern"}
    if len(views) != 1:
        raise ValueError(f"{attributes['title']!r}: expected one data view, found {views}")
    return DATA_VIEW_KINDS[views.pop()]


def dashboard_uses(dashboard: dict[str, Any]) -> Iterator[FieldUse]:
    """Fields read by the Lens panels of a dashboard source file."""
    for panel in dashboard["attributes"]["panelsJSON"]:
        if panel["type"] != "lens":
            continue
        attributes = panel["embeddableConfig"]["attributes"]
        where = f"{dashboard['id']}/{panel['panelIndex']}"
        kind = _lens_kind(attributes)
        for name in sorted(_lens_fields(attributes)):
            yield FieldUse(name, kind, where)


def search_uses(search: dict[str, Any]) -> Iterator[FieldUse]:
    """Fields read by a saved search: its columns, sort and query."""
    attributes = search["attributes"]
    source = attributes["kibanaSavedObjectMeta"]["searchSourceJSON"]
    names = set(attributes["columns"]) | {sort[0] for sort in attributes["sort"]}
    names |= kql_fields(source["query"]["query"])
    kind = DATA_VIEW_KINDS[search["references"][0]["id"]]
    for name in sorted(names):
        yield FieldUse(name, kind, search["id"])


def data_view_uses(view: dict[str, Any]) -> Iterator[FieldUse]:
    """Fields a data view formats or uses as its time field."""
    attributes = view["attributes"]
    names = set(attributes["fieldFormatMap"]) | {attributes["timeFieldName"]}
    for name in sorted(names):
        yield FieldUse(name, DATA_VIEW_KINDS[view["id"]], view["id"])


def rule_uses(rule: dict[str, Any]) -> Iterator[FieldUse]:
    """Fields an alert rule reads: its query plus timeField/termField/aggField."""
    params = rule["params"]
    names = {params[key] for key in ("timeField", "termField", "aggField") if key in params}
    if params["searchType"] == "esqlQuery":
        query = params["esqlQuery"]["esql"]
        names |= esql_fields(query)
        index = query.split()[1]
    else:
        names |= dsl_fields(json.loads(params["esQuery"]))
        (index,) = params["index"]
    for name in sorted(names):
        yield FieldUse(name, INDEX_KINDS[index], rule["id"])


def all_uses(kibana_dir: Path) -> list[FieldUse]:
    """Every field use of every saved object and rule under kibana_dir."""
    uses: list[FieldUse] = []
    for path in sorted((kibana_dir / "dashboards").glob("*.json")):
        uses += dashboard_uses(load_json(path))
    for path in sorted((kibana_dir / "searches").glob("*.json")):
        uses += search_uses(load_json(path))
    for path in sorted((kibana_dir / "data_views").glob("*.json")):
        uses += data_view_uses(load_json(path))
    for path in sorted((kibana_dir / "rules").glob("*.json")):
        uses += rule_uses(load_json(path))
    return sorted(set(uses))


def field_list(kibana_dir: Path) -> dict[str, dict[str, Any]]:
    """The committed field list (kibana/fields.json): field -> {"type", "in"}."""
    fields: dict[str, dict[str, Any]] = load_json(kibana_dir / "fields.json")["fields"]
    return fields
