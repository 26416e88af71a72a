"""Alert rules: basic-licence rule types, the setup connectors, thresholds from .env.example."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from scripts.kibana_export import placeholders
from scripts.kibana_fields import esql_fields, field_list
from setup.api_client import SetupError
from setup.rule_files import load_rules

REPO = Path(__file__).resolve().parents[3]

CONNECTORS = {"llmobs-server-log", "llmobs-index"}
# both available on a basic licence; webhook and other connectors are not
BASIC_RULE_TYPES = {".es-query", ".index-threshold"}
ESQL_COMMANDS = {"FROM", "WHERE", "EVAL", "STATS", "KEEP", "SORT", "LIMIT"}
ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")
EXPECTED_RULES = {
    "llmobs-rule-daily-budget",
    "llmobs-rule-hourly-cost-spike",
    "llmobs-rule-rate-limited",
    "llmobs-rule-p95-latency",
    "llmobs-rule-error-rate",
    "llmobs-rule-unpriced-model",
}


def _env_example() -> dict[str, tuple[str, str]]:
    """.env.example: name -> (value, the comment line right above it)."""
    lines = (REPO / ".env.example").read_text().splitlines()
    found = {}
    for previous, line in zip(["", *lines], lines, strict=False):
        match = ENV_LINE.match(line)
        if match:
            found[match.group(1)] = (match.group(2), previous)
    return found


def test_the_issue_rules_exist(rules: list[dict[str, Any]]) -> None:
    assert {rule["id"] for rule in rules} == EXPECTED_RULES


def test_rules_use_basic_licence_types_and_setup_connectors(rules: list[dict[str, Any]]) -> None:
    for rule in rules:
        assert rule["rule_type_id"] in BASIC_RULE_TYPES
        assert rule["consumer"] == "stackAlerts"
        assert "llmobs" in rule["tags"]
        assert re.fullmatch(r"\d+[smhd]", rule["schedule"]["interval"])
        assert {action["id"] for action in rule["actions"]} == CONNECTORS
        for action in rule["actions"]:
            assert action["group"] == "query matched"
            assert action["frequency"]["notify_when"] in {"onActionGroupChange", "onActiveAlert"}


def test_es_query_params_follow_the_rule_type_schema(rules: list[dict[str, Any]]) -> None:
    for rule in rules:
        params = rule["params"]
        assert params["timeField"] == "@timestamp"
        assert params["timeWindowUnit"] in {"s", "m", "h", "d"}
        assert params["thresholdComparator"] == ">"
        assert 0 <= params["size"] <= 10000
        if params["searchType"] == "esqlQuery":
            # Kibana: an ES|QL rule fires when the query returns rows; threshold must be > 0
            assert params["threshold"] == [0]
            assert "index" not in params and "esQuery" not in params
        else:
            assert params["searchType"] == "esQuery"
            assert "query" in json.loads(params["esQuery"])
            assert params["index"] == ["traces-apm*"]
            if params["groupBy"] == "top":
                assert params["termField"] and params["termSize"] >= 1


def test_esql_queries_use_known_commands(rules: list[dict[str, Any]]) -> None:
    for rule in rules:
        if rule["params"]["searchType"] != "esqlQuery":
            continue
        query = rule["params"]["esqlQuery"]["esql"]
        commands = [part.split()[0] for part in query.split("|")]
        assert commands[0] == "FROM" and set(commands) <= ESQL_COMMANDS, rule["id"]
        assert query.count("(") == query.count(")")
        assert 'span.type == "genai"' in query
        assert commands[-1] == "WHERE", "the last WHERE is the alert condition"


def test_spike_rule_window_covers_last_hour_and_baseline(rules: list[dict[str, Any]]) -> None:
    (spike,) = [rule for rule in rules if rule["id"] == "llmobs-rule-hourly-cost-spike"]
    params = spike["params"]
    assert (params["timeWindowSize"], params["timeWindowUnit"]) == (25, "h")
    query = params["esqlQuery"]["esql"]
    assert "NOW() - 25 hours" in query and "NOW() - 1 hour" in query
    assert "${LLMOBS_ALERT_SPIKE_FACTOR}" in query and "${LLMOBS_ALERT_SPIKE_MIN_USD}" in query


def test_every_placeholder_is_documented_in_env_example(rules: list[dict[str, Any]]) -> None:
    env = _env_example()
    used = set().union(*(placeholders(rule) for rule in rules))
    assert used, "thresholds come from .env"
    for name in used:
        assert name in env, name
        value, comment = env[name]
        assert float(value) >= 0, name
        assert comment.startswith("#"), f"{name} needs a comment line above it"
    alert_vars = {name for name in env if name.startswith("LLMOBS_ALERT_")}
    assert alert_vars == used, "every LLMOBS_ALERT_* setting is used by a rule"


def test_setup_fills_the_rules_into_valid_bodies(kibana_dir: Path) -> None:
    """Through setup's own loader, with the .env.example values."""
    env = {name: value for name, (value, _) in _env_example().items()}
    loaded = load_rules(kibana_dir / "rules", env)
    assert {rule.rule_id for rule in loaded} == EXPECTED_RULES
    for rule in loaded:
        body = rule.body
        assert "id" not in body and "${" not in json.dumps(body)
        assert all(isinstance(value, int | float) for value in body["params"]["threshold"])
        if body["params"]["searchType"] == "esqlQuery":
            condition = body["params"]["esqlQuery"]["esql"].split("|")[-1]
            assert re.search(r"> \d+(\.\d+)?", condition), condition


def test_setup_stops_on_a_missing_threshold(kibana_dir: Path) -> None:
    env = {name: value for name, (value, _) in _env_example().items()}
    del env["LLMOBS_ALERT_DAILY_BUDGET_USD"]
    with pytest.raises(SetupError, match="LLMOBS_ALERT_DAILY_BUDGET_USD"):
        load_rules(kibana_dir / "rules", env)


def test_rules_notify_the_connectors_setup_creates(rules: list[dict[str, Any]]) -> None:
    created = {
        json.loads(path.read_text())["id"]: json.loads(path.read_text())["connector_type_id"]
        for path in (REPO / "setup" / "data" / "connectors").glob("*.json")
    }
    assert created == {"llmobs-server-log": ".server-log", "llmobs-index": ".index"}
    for rule in rules:
        for action in rule["actions"]:
            params = action["params"]
            if created[action["id"]] == ".server-log":
                assert params["level"] in {"info", "warn", "error"} and params["message"]
            else:
                (document,) = params["documents"]
                assert {"rule_id", "rule_name", "alert_id", "message"} <= set(document)


def test_rule_fields_are_apm_or_custom_mapped(rules: list[dict[str, Any]]) -> None:
    """ES|QL fails on unmapped columns: keep ES|QL rules to fields mapped before any LLM span."""
    mapped_early = {
        "@timestamp",
        "span.type",
        "span.duration.us",
        "event.outcome",
        "numeric_labels.gen_ai_cost_total_usd",
    }
    for rule in rules:
        if rule["params"]["searchType"] == "esqlQuery":
            assert esql_fields(rule["params"]["esqlQuery"]["esql"]) <= mapped_early, rule["id"]


def test_alert_log_fields_are_what_the_rules_write(
    kibana_dir: Path, rules: list[dict[str, Any]]
) -> None:
    """The alert-log search reads llmobs-alerts: setup's mapping or the rules' documents."""
    index = json.loads((REPO / "setup" / "data" / "index_llmobs-alerts.json").read_text())
    mapped = {name: spec["type"] for name, spec in index["mappings"]["properties"].items()}
    written: set[str] = {"@timestamp"}  # the connector's executionTimeField
    for rule in rules:
        for action in rule["actions"]:
            if action["id"] == "llmobs-index":
                written |= set(action["params"]["documents"][0])
    alerts = {n: e for n, e in field_list(kibana_dir).items() if "alerts" in e["in"]}
    assert alerts
    for name, entry in alerts.items():
        assert name in written, f"no rule writes {name}"
        # strings a dynamic mapping meets first become text (with a .keyword sub-field)
        assert entry["type"] == mapped.get(name, "text"), name
