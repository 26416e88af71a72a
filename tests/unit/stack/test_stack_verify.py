"""scripts/verify.py: the report, and each known trap it must fail loudly on, asked over real HTTP
of a local fake Elasticsearch answering the queries as Elasticsearch shapes its answers."""

from __future__ import annotations

from typing import Any

import pytest

from scripts import verify
from tests.unit.stack.fake_elastic import SCALED, ElasticState, FakeElastic

PASSWORD = "v" * 40
DOUBLE = {"type": "double"}
WRITE_INDEX = ".ds-traces-apm-default-2026.11.24-000002"
OLD_INDEX = ".ds-traces-apm-default-2026.11.24-000001"


def model_bucket(model: str, calls: int, cost: float) -> dict[str, Any]:
    return {
        "key": model,
        "doc_count": calls,
        "sum_cost": {"value": cost},
        "tokens_in": {"value": calls * 100.0},
        "tokens_out": {"value": calls * 40.0},
    }


def summary(
    *,
    count: int = 12,
    total: float = 0.0123,
    priced: int = 12,
    as_text: int = 0,
    transactions: int = 0,
    traces: tuple[str, ...] = ("t1", "t2"),
) -> dict[str, Any]:
    events = [{"key": "span", "doc_count": count - transactions}]
    if transactions:
        events.append({"key": "transaction", "doc_count": transactions})
    return {
        "hits": {"total": {"value": count, "relation": "eq"}, "hits": []},
        "aggregations": {
            "total_cost": {"value": total},
            "priced": {"doc_count": priced},
            "cost_as_text": {"doc_count": as_text},
            "events": {"buckets": events},
            "traces": {"value": len(traces)},
            "trace_sample": {"buckets": [{"key": t, "doc_count": 6} for t in traces]},
            "model:labels.gen_ai_response_model": {
                "buckets": [
                    model_bucket("gpt-5.4", 8, 0.01),
                    model_bucket("claude-haiku-4-5", 4, 0.0023),
                ]
            },
            "model:labels.gen_ai_request_model": {"buckets": []},
        },
    }


def roots(*traces: str) -> dict[str, Any]:
    return {"aggregations": {"traces": {"buckets": [{"key": t, "doc_count": 1} for t in traces]}}}


def run_verify(
    state: ElasticState, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, FakeElastic]:
    state.passwords["elastic"] = PASSWORD
    with FakeElastic(state) as fake:
        code = verify.main([], {"LLMOBS_ES_URL": fake.url, "ELASTIC_PASSWORD": PASSWORD})
    return code, capsys.readouterr().out, fake


def healthy_state() -> ElasticState:
    state = ElasticState()
    state.index_mappings[OLD_INDEX] = {verify.COST: DOUBLE}
    state.index_mappings[WRITE_INDEX] = {verify.COST: DOUBLE}
    state.search_answers = [summary(), roots("t1", "t2")]
    return state


def test_healthy_stack_reports_and_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, fake = run_verify(healthy_state(), capsys)
    assert code == 0, out
    assert "LLM spans: 12 in 2 traces" in out
    assert "total cost: $0.012300 (12 of 12 spans with a cost > 0)" in out
    assert "gpt-5.4" in out and "claude-haiku-4-5" in out
    assert f"{verify.COST} double in {WRITE_INDEX}" in out
    assert out.rstrip().endswith("verify: OK")
    first, second = fake.find("POST", "/traces-apm*/_search")
    assert first.body["query"]["bool"]["filter"][0] == {"range": {"@timestamp": {"gte": "now-24h"}}}
    assert second.body["query"]["bool"]["filter"][0] == {"terms": {"trace.id": ["t1", "t2"]}}


def test_scaled_float_write_index_fails(capsys: pytest.CaptureFixture[str]) -> None:
    state = healthy_state()
    state.index_mappings[WRITE_INDEX] = {verify.COST: SCALED}
    code, out, _ = run_verify(state, capsys)
    assert code == 1
    assert f"FAIL: {verify.COST} is mapped as scaled_float in {WRITE_INDEX}" in out
    assert "make setup" in out


def test_old_scaled_float_index_is_only_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    state = healthy_state()
    state.index_mappings[OLD_INDEX] = {verify.COST: SCALED}
    code, out, _ = run_verify(state, capsys)
    assert code == 0
    assert "warning: 1 older backing index(es) keep" in out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (summary(count=0, traces=()), "no LLM spans"),
        (summary(total=0.0, priced=0), "every LLM span costs 0"),
        (summary(as_text=3), "cost arrived as a string (keyword)"),
        (summary(transactions=2), "2 LLM spans are the root of their own trace"),
    ],
)
def test_each_trap_fails_loudly(
    capsys: pytest.CaptureFixture[str], answer: dict[str, Any], message: str
) -> None:
    state = healthy_state()
    state.search_answers = [answer, roots("t1", "t2")]
    code, out, _ = run_verify(state, capsys)
    assert code == 1
    assert message in out


def test_llm_traces_without_their_request_fail(capsys: pytest.CaptureFixture[str]) -> None:
    state = healthy_state()
    state.search_answers = [summary(), roots("t1")]
    code, out, _ = run_verify(state, capsys)
    assert code == 1
    assert "1 of 2 sampled LLM traces have no HTTP request transaction (e.g. trace t2)" in out


def test_wrong_password_and_missing_settings(capsys: pytest.CaptureFixture[str]) -> None:
    state = healthy_state()
    state.passwords["elastic"] = "another-password"
    with FakeElastic(state) as fake:
        assert verify.main([], {"LLMOBS_ES_URL": fake.url, "ELASTIC_PASSWORD": PASSWORD}) == 1
    assert "cannot query Elasticsearch" in capsys.readouterr().err
    assert verify.main([], {"ELASTIC_PASSWORD": ""}) == 2
    assert "ELASTIC_PASSWORD is empty" in capsys.readouterr().err
    assert verify.main(["--since", "yesterday"], {"ELASTIC_PASSWORD": "x"}) == 2
