"""The NDJSON export: importable shape, deterministic, and a faithful round trip of kibana/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts import kibana_export

STRING_ATTRIBUTES = {"panelsJSON", "optionsJSON", "fieldFormatMap", "runtimeFieldMap", "fields"}


def _decode(obj: dict[str, Any]) -> dict[str, Any]:
    attributes = dict(obj["attributes"])
    for key in STRING_ATTRIBUTES & set(attributes):
        attributes[key] = json.loads(attributes[key])
    if "typeMeta" in attributes:
        attributes["typeMeta"] = json.loads(attributes["typeMeta"])
    meta = (
        dict(attributes["kibanaSavedObjectMeta"]) if "kibanaSavedObjectMeta" in attributes else {}
    )
    if meta:
        meta["searchSourceJSON"] = json.loads(meta["searchSourceJSON"])
        attributes["kibanaSavedObjectMeta"] = meta
    return {**obj, "attributes": attributes}


def _strip_generated(dashboard: dict[str, Any]) -> dict[str, Any]:
    """Remove what the export adds to a dashboard: formula helpers and Lens panel references."""
    for panel in dashboard["attributes"]["panelsJSON"]:
        if panel["type"] != "lens":
            continue
        state = panel["embeddableConfig"]["attributes"]["state"]
        for layer in state["datasourceStates"]["formBased"]["layers"].values():
            helpers = {
                cid
                for cid, col in layer["columns"].items()
                if "X" in cid and col["label"].startswith("Part of ")
            }
            layer["columns"] = {k: v for k, v in layer["columns"].items() if k not in helpers}
            layer["columnOrder"] = [k for k in layer["columnOrder"] if k not in helpers]
            for column in layer["columns"].values():
                if column["operationType"] == "formula":
                    del column["references"]
    dashboard["references"] = [r for r in dashboard["references"] if r["type"] != "index-pattern"]
    return dashboard


def test_ndjson_round_trips(kibana_dir: Path, sources: list[dict[str, Any]]) -> None:
    body = kibana_export.build_ndjson(kibana_dir)
    assert body.endswith(b"\n")
    lines = body.decode("utf-8").splitlines()
    parsed = [json.loads(line) for line in lines]
    assert parsed == kibana_export.saved_objects(kibana_dir)
    decoded = [_decode(obj) for obj in parsed]
    restored = [_strip_generated(obj) if obj["type"] == "dashboard" else obj for obj in decoded]
    assert restored == sources


def test_export_is_deterministic_and_leaves_sources_alone(kibana_dir: Path) -> None:
    before = kibana_export.load_sources(kibana_dir)
    first = kibana_export.build_ndjson(kibana_dir)
    assert kibana_export.build_ndjson(kibana_dir) == first
    assert kibana_export.load_sources(kibana_dir) == before


def test_each_line_is_an_importable_saved_object(exported: list[dict[str, Any]]) -> None:
    for obj in exported:
        assert set(obj) >= {"id", "type", "attributes", "references"}
        for key, value in obj["attributes"].items():
            if key.endswith("JSON"):
                assert isinstance(value, str), (obj["id"], key)
        meta = obj["attributes"].get("kibanaSavedObjectMeta")
        if meta:
            assert isinstance(meta["searchSourceJSON"], str)


def test_dependencies_come_first(exported: list[dict[str, Any]]) -> None:
    order = [obj["type"] for obj in exported]
    assert order == sorted(order, key=["index-pattern", "search", "dashboard"].index)


def test_source_files_are_pretty_printed(kibana_dir: Path) -> None:
    paths = [*sorted(kibana_dir.glob("*/*.json")), kibana_dir / "fields.json"]
    assert len(paths) >= 12
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n", path


def test_cli_writes_the_file(kibana_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "objects.ndjson"
    assert kibana_export.main(["--out", str(out), "--kibana-dir", str(kibana_dir)]) == 0
    assert out.read_bytes() == kibana_export.build_ndjson(kibana_dir)


def test_cli_names_a_wrong_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        kibana_export.main(["--kibana-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "--kibana-dir" in capsys.readouterr().err
