"""Tier 4: checks of a running stack through the Elasticsearch, Kibana and APM Server APIs.

Run by tests/stack/run.sh (`make test-stack`) after `docker compose up` and a load run; it needs
STACK_ENV_FILE (the stack's .env). Not named test_*.py on purpose: `pytest tests/` on a machine
without the stack does not collect it; run.sh passes it explicitly.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from scripts import verify

pytestmark = pytest.mark.stack

REPO = Path(__file__).resolve().parents[2]
SPAN_WAIT_S = 180  # batching in the app and the collector, then APM Server's own flush


def _env() -> dict[str, str]:
    path = os.environ.get("STACK_ENV_FILE", "")
    if not path or not Path(path).is_file():
        pytest.fail("STACK_ENV_FILE must name the running stack's .env (use `make test-stack`)")
    return verify.read_dotenv(Path(path))


ENV = _env()
AUTH = ("elastic", ENV["ELASTIC_PASSWORD"])


@pytest.fixture(scope="module")
def es() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"http://127.0.0.1:{ENV['ES_PORT']}", auth=AUTH, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def kibana() -> Iterator[httpx.Client]:
    url = f"http://127.0.0.1:{ENV['KIBANA_PORT']}"
    with httpx.Client(base_url=url, auth=AUTH, headers={"kbn-xsrf": "t"}, timeout=30) as c:
        yield c


def _llm_summary(es: httpx.Client) -> dict[str, Any]:
    answer = es.post("/traces-apm*/_search", json=verify.summary_query("1h"))
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


@pytest.fixture(scope="module")
def llm_summary(es: httpx.Client) -> dict[str, Any]:
    """Wait (bounded) until priced LLM spans are searchable, then return the summary."""
    deadline = time.monotonic() + SPAN_WAIT_S
    while True:
        body = _llm_summary(es) if es.get("/traces-apm*/_count").status_code == 200 else {}
        if body.get("aggregations", {}).get("priced", {}).get("doc_count", 0) > 0:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"no priced LLM span in traces-apm* after {SPAN_WAIT_S} s: {body}")
        time.sleep(5)


def test_security_is_on_and_kibana_system_can_log_in(es: httpx.Client) -> None:
    anonymous = httpx.get(f"http://127.0.0.1:{ENV['ES_PORT']}/", timeout=10)
    assert anonymous.status_code == 401
    who = es.get("/_security/_authenticate", auth=("kibana_system", ENV["KIBANA_SYSTEM_PASSWORD"]))
    assert who.status_code == 200


def test_apm_server_user_is_least_privilege(es: httpx.Client) -> None:
    auth = ("llmobs_apm_server", ENV["APM_SERVER_ES_PASSWORD"])
    assert es.get("/_security/_authenticate", auth=auth).status_code == 200
    assert es.post("/traces-apm*/_search", json={"size": 1}, auth=auth).status_code == 403
    assert es.get("/_security/user", auth=auth).status_code == 403


def test_apm_intake_requires_the_secret_token() -> None:
    url = f"http://127.0.0.1:{ENV['APM_SERVER_PORT']}/v1/traces"
    headers = {"Content-Type": "application/x-protobuf"}  # b"": an empty, valid export request
    assert httpx.post(url, content=b"", headers=headers, timeout=10).status_code == 401
    token = {**headers, "Authorization": f"Bearer {ENV['ELASTIC_APM_SECRET_TOKEN']}"}
    assert httpx.post(url, content=b"", headers=token, timeout=10).status_code == 200


def test_llm_spans_arrived_priced_and_joined_to_their_request(llm_summary: dict[str, Any]) -> None:
    report = verify.Report()
    verify.check_spans(llm_summary, None, report)
    assert not report.failures, report.failures
    events = {b["key"] for b in llm_summary["aggregations"]["events"]["buckets"]}
    assert events == {"span"}


def test_cost_fields_are_double_in_the_write_index(
    es: httpx.Client, llm_summary: dict[str, Any]
) -> None:
    streams = es.get("/_data_stream/traces-apm-*").json()["data_streams"]
    assert streams
    for stream in streams:
        write_index = stream["indices"][-1]["index_name"]
        mapping = es.get(f"/{write_index}/_mapping/field/{verify.COST}").json()
        field = mapping[write_index]["mappings"][verify.COST]["mapping"]
        assert field["gen_ai_cost_total_usd"]["type"] == "double"


def test_make_verify_passes(
    llm_summary: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    env = {**ENV, "LLMOBS_ES_URL": f"http://127.0.0.1:{ENV['ES_PORT']}"}
    code = verify.main(["--since", "1h"], env)
    out = capsys.readouterr().out
    assert code == 0, out


def test_kibana_has_the_data_view_dashboards_connectors_and_rules(kibana: httpx.Client) -> None:
    status = kibana.get("/api/status").json()
    assert status["status"]["overall"]["level"] == "available"
    assert kibana.get("/api/data_views/data_view/llmobs-traces-apm").status_code == 200
    for path in sorted((REPO / "kibana" / "dashboards").glob("*.json")):
        dashboard_id = json.loads(path.read_text())["id"]
        found = kibana.get(f"/api/saved_objects/dashboard/{dashboard_id}")
        assert found.status_code == 200, dashboard_id
    for connector_id in ("llmobs-server-log", "llmobs-index"):
        assert kibana.get(f"/api/actions/connector/{connector_id}").status_code == 200
    for path in sorted((REPO / "kibana" / "rules").glob("*.json")):
        rule_id = json.loads(path.read_text())["id"]
        rule = kibana.get(f"/api/alerting/rule/{rule_id}")
        assert rule.status_code == 200, rule_id
        assert rule.json()["enabled"] is True, rule_id


def test_apm_service_is_indexed(es: httpx.Client, llm_summary: dict[str, Any]) -> None:
    service = ENV.get("OTEL_SERVICE_NAME") or "menu-designer"
    query = {"query": {"term": {"service.name": service}}}
    assert es.post("/traces-apm*/_count", json=query).json()["count"] > 0
