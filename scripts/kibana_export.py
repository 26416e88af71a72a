"""Turn the reviewable files under kibana/ into what Kibana imports, and render the alert rules.

Saved objects (kibana/data_views, searches, dashboards) are kept decoded for review: JSON-valued
attributes (``panelsJSON``, ``searchSourceJSON``, ``fieldFormatMap`` …) are real JSON, Lens formula
columns carry only their formula, and a dashboard lists only its saved-search references.
``to_kibana`` restores Kibana's stored form (format followed: Kibana's sample-data saved objects,
coreMigrationVersion 8.8.0, shipped unchanged in 9.x, so the NDJSON imports into 8.18+ and 9.x):
it stringifies those attributes, adds the Lens formula helper columns and prefixes each by-value
Lens panel's data-view references with its panelIndex on the dashboard.

Rules (kibana/rules/*.json) are bodies of ``POST /api/alerting/rule/<id>`` plus ``"id"``, with
``${VAR}`` placeholders that setup (setup/rule_files.py) fills from .env; they are not exported.

CLI: ``python -m scripts.kibana_export --out FILE`` (``make kibana-export OUT=FILE``).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

from scripts.lens_formula import expand_formula

KIBANA_DIR = Path(__file__).resolve().parent.parent / "kibana"
# import order: what is referenced comes before what references it
OBJECT_FOLDERS = ("data_views", "searches", "dashboards")
# index-pattern attributes Kibana stores as JSON strings (besides every "*JSON" key)
_STRING_ENCODED = {"fieldFormatMap", "runtimeFieldMap", "fields", "typeMeta", "fieldAttrs"}
_PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_sources(kibana_dir: Path) -> list[dict[str, Any]]:
    """The reviewable saved objects, data views first, then searches, then dashboards."""
    objects: list[dict[str, Any]] = []
    for folder in OBJECT_FOLDERS:
        objects += [_load(path) for path in sorted((kibana_dir / folder).glob("*.json"))]
    return objects


def _expand_layer(layer: dict[str, Any]) -> None:
    """Insert the helper columns of every formula column right after it in columnOrder."""
    order: list[str] = []
    for column_id in layer["columnOrder"]:
        order.append(column_id)
        column = layer["columns"][column_id]
        if column["operationType"] == "formula":
            helpers = expand_formula(column_id, column)
            layer["columns"].update(helpers)
            order += list(helpers)
    layer["columnOrder"] = order


def _lens_panel(panel: dict[str, Any]) -> list[dict[str, str]]:
    """Expand one by-value Lens panel in place; return its dashboard-level references."""
    attributes = panel["embeddableConfig"]["attributes"]
    for layer in attributes["state"]["datasourceStates"]["formBased"]["layers"].values():
        _expand_layer(layer)
    return [
        {"type": ref["type"], "id": ref["id"], "name": f"{panel['panelIndex']}:{ref['name']}"}
        for ref in attributes["references"]
    ]


def _encode_attributes(attributes: dict[str, Any]) -> None:
    for key, value in list(attributes.items()):
        if isinstance(value, dict) and key == "kibanaSavedObjectMeta":
            _encode_attributes(value)
        elif (key.endswith("JSON") or key in _STRING_ENCODED) and not isinstance(value, str):
            attributes[key] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def to_kibana(source: dict[str, Any]) -> dict[str, Any]:
    """The stored (importable) form of one reviewable saved object; the source is not changed."""
    obj = copy.deepcopy(source)
    if obj["type"] == "dashboard":
        references = list(obj["references"])
        for panel in obj["attributes"]["panelsJSON"]:
            if panel["type"] == "lens":
                references += _lens_panel(panel)
        obj["references"] = references
    _encode_attributes(obj["attributes"])
    return obj


def saved_objects(kibana_dir: Path) -> list[dict[str, Any]]:
    """Every saved object under kibana_dir in its importable form."""
    return [to_kibana(source) for source in load_sources(kibana_dir)]


def build_ndjson(kibana_dir: Path) -> bytes:
    """The NDJSON body for ``POST /api/saved_objects/_import`` (one object per line)."""
    lines = [
        json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
        for obj in saved_objects(kibana_dir)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def load_rules(kibana_dir: Path) -> list[dict[str, Any]]:
    """The rule files as written, placeholders unfilled."""
    return [_load(path) for path in sorted((kibana_dir / "rules").glob("*.json"))]


def placeholders(node: Any) -> set[str]:
    """Names of the ``${VAR}`` placeholders anywhere in a rule."""
    if isinstance(node, str):
        return set(_PLACEHOLDER.findall(node))
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return set().union(*(placeholders(item) for item in node)) if node else set()
    return set()


def main(argv: list[str] | None = None) -> int:
    """CLI: write the importable NDJSON to --out (or stdout)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--kibana-dir", type=Path, default=KIBANA_DIR)
    args = parser.parse_args(argv)
    if not (args.kibana_dir / "dashboards").is_dir():
        parser.error(f"--kibana-dir {args.kibana_dir}: no dashboards/ folder there")
    body = build_ndjson(args.kibana_dir)
    if args.out is None:
        sys.stdout.buffer.write(body)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(body)
        count = len(body.splitlines())
        print(f"wrote {count} saved objects to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
