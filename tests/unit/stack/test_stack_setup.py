"""setup against a local fake of the Elasticsearch and Kibana endpoints it calls: request bodies,
idempotency (a second run writes nothing but the update paths), rollover, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from setup.__main__ import DATA_DIR, main, run_phases
from setup.api_client import RetryBudget, SetupError
from setup.config import SetupConfig
from setup.progress import Progress
from tests.unit.stack.conftest import (
    APM_PASSWORD,
    FIXTURE_KIBANA,
    KIBANA_SYSTEM_PASSWORD,
    fixture_ndjson,
)
from tests.unit.stack.fake_elastic import SCALED, ElasticState, FakeElastic, traces_stream

TEMPLATE = json.loads((DATA_DIR / "component_template_traces-apm@custom.json").read_text())


def run(env: dict[str, str], phase: str = "all") -> Progress:
    progress = Progress(log=lambda _message: None)
    run_phases(
        phase,
        SetupConfig.from_env(env),
        progress,
        env=env,
        build_ndjson=fixture_ndjson,
        poll_interval_s=0.01,
        retry=RetryBudget(attempts=3, first_delay_s=0.01),
    )
    return progress


def outcome(progress: Progress, subject: str) -> str:
    return dict(progress.outcomes)[subject]


def test_first_run_sends_the_expected_bodies(fake: FakeElastic, setup_env: dict[str, str]) -> None:
    run(setup_env)

    (password,) = fake.find("POST", "/_security/user/kibana_system/_password")
    assert password.body == {"password": KIBANA_SYSTEM_PASSWORD}
    (role,) = fake.find("PUT", "/_security/role/llmobs_apm_writer")
    assert role.body == json.loads((DATA_DIR / "roles/llmobs_apm_writer.json").read_text())
    assert role.body["indices"][0]["privileges"] == ["auto_configure", "create_doc"]
    (user,) = fake.find("PUT", "/_security/user/llmobs_apm_server")
    assert user.body["password"] == APM_PASSWORD
    assert user.body["roles"] == ["llmobs_apm_writer"]
    assert "password_env" not in user.body
    (template,) = fake.find("PUT", "/_component_template/traces-apm@custom")
    labels = template.body["template"]["mappings"]["properties"]["numeric_labels"]["properties"]
    assert labels["gen_ai_cost_total_usd"] == {"type": "double"}
    assert labels["gen_ai_usage_input_tokens"] == {"type": "double"}
    assert fake.find("PUT", "/llmobs-alerts")
    (view,) = fake.find("POST", "/api/data_views/data_view")
    assert view.body["data_view"]["id"] == "llmobs-traces-apm"
    assert view.body["data_view"]["title"] == "traces-apm*"
    (server_log,) = fake.find("POST", "/api/actions/connector/llmobs-server-log")
    assert server_log.body == {
        "name": "LLM observability: Kibana server log",
        "connector_type_id": ".server-log",
        "config": {},
    }
    (index,) = fake.find("POST", "/api/actions/connector/llmobs-index")
    assert index.body["connector_type_id"] == ".index"
    assert index.body["config"]["index"] == "llmobs-alerts"
    (imported,) = fake.find("POST", "/api/saved_objects/_import")
    assert imported.query == "overwrite=true"
    assert imported.headers.get("kbn-xsrf")
    assert imported.body["file"] == fixture_ndjson(FIXTURE_KIBANA)
    (rule,) = fake.find("POST", "/api/alerting/rule/fixture-cost-spike")
    assert "id" not in rule.body
    assert rule.body["params"]["threshold"] == [2.5]  # whole placeholder -> number
    assert rule.body["name"] == "Fixture: LLM cost above 2.5 USD"
    assert rule.body["schedule"] == {"interval": "5m"}  # ${VAR:-default}
    assert not [r for r in fake.requests if r.method == "DELETE"]


def test_second_run_changes_nothing_but_the_update_paths(
    fake: FakeElastic, setup_env: dict[str, str]
) -> None:
    run(setup_env)
    first_count = len(fake.requests)
    progress = run(setup_env)

    second = fake.requests[first_count:]
    writes = [(r.method, r.path) for r in fake.writes() if r in second]
    assert writes == [
        ("POST", "/api/saved_objects/_import"),
        ("PUT", "/api/alerting/rule/fixture-cost-spike"),
    ]
    for subject in (
        "user kibana_system",
        "role llmobs_apm_writer",
        "user llmobs_apm_server",
        "component template traces-apm@custom",
        "index llmobs-alerts",
        "data view llmobs-traces-apm",
        "connector llmobs-server-log",
        "connector llmobs-index",
    ):
        assert outcome(progress, subject) == "unchanged", subject
    (update,) = fake.find("PUT", "/api/alerting/rule/fixture-cost-spike")
    assert not {"id", "rule_type_id", "consumer", "enabled"} & set(update.body)
    assert update.body["params"]["threshold"] == [2.5]


def test_changed_threshold_updates_the_rule(fake: FakeElastic, setup_env: dict[str, str]) -> None:
    run(setup_env)
    run({**setup_env, "LLMOBS_FIXTURE_COST_USD": "7"})
    assert fake.state.rules["fixture-cost-spike"]["params"]["threshold"] == [7]


def test_rolls_over_a_stream_with_scaled_float_cost(
    fake: FakeElastic, state: ElasticState, setup_env: dict[str, str]
) -> None:
    old_index = traces_stream(state, SCALED)
    progress = run(setup_env, phase="elasticsearch")

    assert outcome(progress, "data stream traces-apm-default") == "rolled over"
    assert fake.find("POST", "/traces-apm-default/_rollover")
    write_index = state.data_streams["traces-apm-default"][-1]
    assert write_index != old_index
    assert old_index in state.data_streams["traces-apm-default"]  # kept, not deleted
    assert state.index_mappings[write_index]["numeric_labels.gen_ai_cost_total_usd"] == {
        "type": "double"
    }
    again = run(setup_env, phase="elasticsearch")
    assert outcome(again, "data stream traces-apm-default") == "unchanged"
    assert len(fake.find("POST", "/traces-apm-default/_rollover")) == 1


def test_rolls_over_a_stream_created_before_the_template(
    state: ElasticState, setup_env: dict[str, str]
) -> None:
    traces_stream(state, None)  # write index predates traces-apm@custom: field unmapped
    progress = run(setup_env, phase="elasticsearch")
    assert outcome(progress, "data stream traces-apm-default") == "rolled over"


def test_no_data_stream_yet_needs_no_rollover(fake: FakeElastic, setup_env: dict[str, str]) -> None:
    progress = run(setup_env, phase="elasticsearch")
    assert outcome(progress, "traces-apm data streams") == "none yet"
    assert not [r for r in fake.requests if r.path.endswith("/_rollover")]


def test_template_that_would_not_apply_fails_loudly(
    state: ElasticState, setup_env: dict[str, str]
) -> None:
    state.index_template_composes_custom = False
    with pytest.raises(SetupError, match="compose traces-apm@custom"):
        run(setup_env, phase="elasticsearch")


def test_existing_custom_template_is_merged_not_replaced(
    fake: FakeElastic, state: ElasticState, setup_env: dict[str, str]
) -> None:
    state.component_templates["traces-apm@custom"] = {
        "template": {"settings": {"index": {"number_of_replicas": "0"}}},
        "_meta": {"owner": "ops"},
    }
    progress = run(setup_env, phase="elasticsearch")

    assert outcome(progress, "component template traces-apm@custom") == "updated"
    (put,) = fake.find("PUT", "/_component_template/traces-apm@custom")
    assert put.body["template"]["settings"] == {"index": {"number_of_replicas": "0"}}
    assert put.body["template"]["mappings"] == TEMPLATE["template"]["mappings"]
    assert "created_date_millis" not in put.body  # read-only key of GET, rejected by PUT


def test_changed_user_password_is_reapplied(fake: FakeElastic, setup_env: dict[str, str]) -> None:
    run(setup_env, phase="elasticsearch")
    new_password = "n" * 64
    progress = run({**setup_env, "APM_SERVER_ES_PASSWORD": new_password}, phase="elasticsearch")
    assert outcome(progress, "user llmobs_apm_server") == "updated"
    assert fake.state.passwords["llmobs_apm_server"] == new_password


def test_bring_your_own_elastic_skips_users(fake: FakeElastic, setup_env: dict[str, str]) -> None:
    env = {**setup_env, "LLMOBS_SETUP_MANAGE_USERS": "false"}
    del env["KIBANA_SYSTEM_PASSWORD"], env["APM_SERVER_ES_PASSWORD"]
    run(env)
    assert not [r for r in fake.requests if r.path.startswith("/_security/user")]
    assert not [r for r in fake.requests if r.path.startswith("/_security/role")]
    assert fake.find("PUT", "/_component_template/traces-apm@custom")


def test_transient_503_is_retried(
    fake: FakeElastic, state: ElasticState, setup_env: dict[str, str]
) -> None:
    state.unavailable["/_component_template/"] = 1
    run(setup_env, phase="elasticsearch")
    assert len(fake.find("GET", "/_component_template/traces-apm@custom")) == 2


def test_rule_with_unset_variable_fails_before_any_kibana_write(
    fake: FakeElastic, setup_env: dict[str, str]
) -> None:
    env = {k: v for k, v in setup_env.items() if k != "LLMOBS_FIXTURE_COST_USD"}
    with pytest.raises(SetupError, match="LLMOBS_FIXTURE_COST_USD"):
        run(env, phase="kibana")
    assert not [r for r in fake.writes() if r.path.startswith("/api/")]


def test_failed_import_names_the_objects(state: ElasticState, setup_env: dict[str, str]) -> None:
    state.import_errors = [
        {"type": "dashboard", "id": "fixture-dashboard", "error": {"type": "missing_references"}}
    ]
    with pytest.raises(SetupError, match="dashboard fixture-dashboard: missing_references"):
        run(setup_env, phase="kibana")


def test_existing_rule_of_another_type_is_not_silently_kept(
    state: ElasticState, setup_env: dict[str, str]
) -> None:
    state.rules["fixture-cost-spike"] = {"rule_type_id": ".index-threshold", "consumer": "alerts"}
    with pytest.raises(SetupError, match="rule_type_id"):
        run(setup_env, phase="kibana")


def test_kibana_not_available_within_budget(state: ElasticState, setup_env: dict[str, str]) -> None:
    state.kibana_level = "unavailable"
    env = {**setup_env, "SETUP_KIBANA_WAIT_SECONDS": "0.2"}
    with pytest.raises(SetupError, match=r"not ready within 0.2 s"):
        run(env, phase="kibana")


def test_wrong_password_fails_fast_with_exit_1(
    setup_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    env = {**setup_env, "ELASTIC_PASSWORD": "wrong-password-of-some-length"}
    assert main(["--phase", "elasticsearch"], env) == 1
    err = capsys.readouterr().err
    assert "rejected the credentials (401)" in err
    assert "ELASTIC_PASSWORD is applied only when the Elasticsearch data volume" in err


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ELASTIC_PASSWORD", "", "ELASTIC_PASSWORD is empty"),
        ("KIBANA_SYSTEM_PASSWORD", "change" + "me", "KIBANA_SYSTEM_PASSWORD is shorter than 16"),
        ("SETUP_ES_WAIT_SECONDS", "soon", "SETUP_ES_WAIT_SECONDS must be a number"),
        ("ELASTICSEARCH_URL", "elasticsearch:9200", "ELASTICSEARCH_URL must be an http(s) URL"),
        ("LLMOBS_SETUP_MANAGE_USERS", "maybe", "LLMOBS_SETUP_MANAGE_USERS must be true or false"),
    ],
)
def test_bad_setting_exits_2_naming_it(
    setup_env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    message: str,
) -> None:
    assert main([], {**setup_env, variable: value}) == 2
    assert message in capsys.readouterr().err


def test_main_succeeds_and_summarises(
    setup_env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("setup.__main__.default_ndjson_builder", fixture_ndjson)
    assert main(["--phase", "all"], setup_env) == 0
    out = capsys.readouterr().out
    assert "setup: role llmobs_apm_writer: created" in out
    assert "setup: done (all):" in out


def test_data_files_are_valid_json() -> None:
    for path in Path(DATA_DIR).rglob("*.json"):
        json.loads(path.read_text())


def test_degraded_kibana_still_gets_its_objects(
    fake: FakeElastic, state: ElasticState, setup_env: dict[str, str]
) -> None:
    state.kibana_level = "degraded"  # e.g. a plugin this minimal stack does not configure
    run(setup_env, phase="kibana")
    assert fake.find("POST", "/api/alerting/rule/fixture-cost-spike")
