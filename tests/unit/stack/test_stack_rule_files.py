"""setup/rule_files.py on the real kibana/rules files and on edge cases, plus the real NDJSON
export of kibana/ imported into the fake Kibana by setup's Kibana phase."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from setup.__main__ import default_ndjson_builder
from setup.api_client import ApiClient, SetupError
from setup.kibana_steps import KIBANA_HEADERS, import_saved_objects
from setup.progress import Progress
from setup.rule_files import fill, load_rule, load_rules, placeholders
from tests.unit.stack.compose_files import REPO, env_example
from tests.unit.stack.fake_elastic import ElasticState, FakeElastic

SOURCE = Path("rule.json")


def test_whole_placeholder_becomes_a_number_and_embedded_stays_text() -> None:
    env = {"N": "3", "X": "0.05", "S": "warn"}
    assert fill(["${N}", "${X}", "${S}", "over ${N} calls"], env, SOURCE) == [
        3,
        0.05,
        "warn",
        "over 3 calls",
    ]


def test_default_and_missing() -> None:
    assert fill("${A:-5m}", {}, SOURCE) == "5m"
    with pytest.raises(SetupError, match=r"rule.json needs B: set it in .env"):
        fill({"x": ["${B}"]}, {}, SOURCE)


def test_rule_without_id_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"name": "no id"}))
    with pytest.raises(SetupError, match='non-empty "id"'):
        load_rule(path, {})


def test_real_rules_fill_from_env_example() -> None:
    rules = load_rules(REPO / "kibana" / "rules", env_example())
    assert rules, "kibana/rules is empty"
    for rule in rules:
        text = json.dumps(rule.body)
        assert "${" not in text, rule.source.name
        assert rule.rule_id.startswith("llmobs-")
        assert "id" not in rule.body
        for action in rule.body.get("actions", []):
            assert action["id"] in {"llmobs-server-log", "llmobs-index"}, rule.source.name
        assert placeholders(rule.source.read_text()) <= set(env_example())


def test_real_kibana_objects_export_and_import(tmp_path: Path) -> None:
    objects_dir = REPO / "kibana"
    payload = default_ndjson_builder(objects_dir)
    lines = [json.loads(line) for line in payload.splitlines() if line.strip()]
    assert lines, "kibana/ exported no saved objects"
    ids = {obj["id"] for obj in lines}
    data_view = json.loads((REPO / "setup" / "data" / "data_view.json").read_text())
    assert data_view["id"] in ids  # setup's data view is the one the dashboards use

    state = ElasticState(passwords={"elastic": "p" * 20})
    with FakeElastic(state) as fake:
        client = ApiClient("Kibana", fake.url, ("elastic", "p" * 20), headers=KIBANA_HEADERS)
        progress = Progress(log=lambda _m: None)
        import_saved_objects(client, objects_dir, default_ndjson_builder, progress)
        client.close()
    assert state.imports == [payload]
    assert progress.outcomes == [("saved objects", "imported")]


def test_setup_data_view_matches_the_kibana_one() -> None:
    mine = json.loads((REPO / "setup" / "data" / "data_view.json").read_text())
    theirs = json.loads((REPO / "kibana" / "data_views" / f"{mine['id']}.json").read_text())
    for key in ("title", "timeFieldName"):  # the name is kibana/'s, imported after setup's
        assert mine[key] == theirs["attributes"][key], key
