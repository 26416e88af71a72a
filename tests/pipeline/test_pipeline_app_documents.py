"""What Elasticsearch would index for the app's telemetry (real collector, apm-data 1.22)."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any

from tests.pipeline.app_driver import MAX_ATTEMPTS, SERVICE_NAME, UNPRICED_MODEL, AppRun, Request
from tests.pipeline.documents import (
    COST_FIELDS,
    TOKEN_FIELDS,
    Doc,
    errors,
    in_trace,
    llm_spans,
    metric_docs,
    metric_samples,
    outcome,
    processor_event,
    spans,
    trace_id,
    transactions,
)


def _ok_requests(run: AppRun) -> list[Request]:
    return [r for r in run.requests if r.status == 200]


def _transaction_of(docs: list[Doc], request: Request) -> Doc:
    if request.trace_id is not None:
        (found,) = [t for t in transactions(docs) if trace_id(t) == request.trace_id]
        return found
    (found,) = [
        t for t in transactions(docs) if t["http"]["response"]["status_code"] == request.status
    ]
    return found


def test_workload_answers_as_expected(workload: AppRun) -> None:
    statuses = {r.name: r.status for r in workload.requests}
    assert statuses == {
        "recipe-openai": 200,
        "recipe-anthropic": 200,
        "menu": 200,
        "recipe-unpriced": 200,
        "recipe-retried": 200,
        "recipe-failed": 502,
    }
    assert workload.by_name("recipe-retried").response["attempts"] == 2


def test_each_request_is_one_transaction_with_its_own_trace(
    apm_documents: list[Doc], workload: AppRun
) -> None:
    txs = transactions(apm_documents)
    assert len(txs) == len(workload.requests)
    assert len({trace_id(t) for t in txs}) == len(txs), "one trace id per request"
    for request in workload.requests:
        tx = _transaction_of(apm_documents, request)
        assert tx["transaction"]["name"] == f"POST {request.path}"
        assert tx["transaction"]["type"] == "request"
        assert tx["http"]["response"]["status_code"] == request.status
        assert tx["service"]["name"] == SERVICE_NAME
        assert "parent" not in tx, "the HTTP server span is the root of its trace"


def test_everything_below_the_http_span_is_a_span_of_that_trace(
    apm_documents: list[Doc],
) -> None:
    roots = {trace_id(t): t for t in transactions(apm_documents)}
    children = spans(apm_documents)
    assert children
    ids_by_trace: dict[str, set[str]] = defaultdict(set)
    for tx in roots.values():
        ids_by_trace[trace_id(tx)].add(tx["transaction"]["id"])
    for span in children:
        ids_by_trace[trace_id(span)].add(span["span"]["id"])
    for span in children:
        assert trace_id(span) in roots, f"{span['span']['name']} is in no request's trace"
        assert span["parent"]["id"] in ids_by_trace[trace_id(span)], "the trace tree is whole"
        assert "transaction" not in span or "type" not in span["transaction"]
    assert {processor_event(d) for d in roots.values()} == {"transaction"}


def test_llm_spans_are_typed_genai_by_provider(apm_documents: list[Doc]) -> None:
    llm = llm_spans(apm_documents)
    assert llm
    for span in llm:
        assert span["span"]["type"] == "genai", span["span"]["name"]
        assert span["span"]["subtype"] == span["labels"]["gen_ai_provider_name"]
        assert span["service"]["target"]["type"] == "genai"
    assert {s["span"]["subtype"] for s in llm} == {"openai", "anthropic"}
    not_llm = [s for s in spans(apm_documents) if s not in llm]
    assert not_llm and all(s["span"]["type"] != "genai" for s in not_llm)


def test_cost_and_tokens_are_numeric_labels(apm_documents: list[Doc]) -> None:
    priced = [
        s
        for s in llm_spans(apm_documents)
        if outcome(s) == "success" and s["labels"]["gen_ai_cost_status"] == "priced"
    ]
    assert priced
    for span in priced:
        numbers, labels = span["numeric_labels"], span["labels"]
        for name in (*COST_FIELDS, *TOKEN_FIELDS):
            assert name in numbers, f"numeric_labels.{name} missing on {span['span']['name']}"
            assert name not in labels
        assert numbers["gen_ai_cost_total_usd"] > 0
        assert numbers["gen_ai_usage_input_tokens"] > 0
        assert numbers["gen_ai_usage_output_tokens"] > 0
        # input_usd includes the cache read/write parts and output_usd the reasoning part
        # (genai_cost's contract), so the total is exactly input + output
        parts = numbers["gen_ai_cost_input_usd"] + numbers["gen_ai_cost_output_usd"]
        # scaled_float (factor 1e6): each stored part is rounded to the micro-dollar
        assert math.isclose(numbers["gen_ai_cost_total_usd"], parts, abs_tol=3e-6)
        for name in COST_FIELDS:
            assert math.isclose(numbers[name] * 1e6, round(numbers[name] * 1e6), abs_tol=1e-6)


def test_models_and_attribution_are_labels(apm_documents: list[Doc], workload: AppRun) -> None:
    for request in _ok_requests(workload):
        llm = llm_spans(in_trace(apm_documents, str(request.trace_id)))
        assert llm, request.name
        for span in llm:
            labels = span["labels"]
            assert labels["gen_ai_request_model"]
            if request.name == "recipe-unpriced":
                assert labels["gen_ai_cost_status"] == "unpriced"
                assert "gen_ai_cost_model_resolved" not in labels
            elif outcome(span) == "success":
                assert labels["gen_ai_cost_status"] == "priced"
                assert labels["gen_ai_cost_model_resolved"]
                assert labels["gen_ai_response_model"]
                assert labels["gen_ai_cost_provider"] == span["span"]["subtype"]
            else:  # a failed call has no usage: nothing to price
                assert labels["gen_ai_cost_status"] == "no_usage"
            assert labels["llmobs_feature"] == request.caller.feature
            assert labels["llmobs_team"] == request.caller.team
            assert labels["llmobs_tenant"] == request.caller.tenant
            assert labels["enduser_pseudo_id"]
            assert "gen_ai_cost_model_resolved" not in span.get("numeric_labels", {})
    models = {
        s["labels"]["gen_ai_cost_model_resolved"]
        for s in llm_spans(apm_documents)
        if "gen_ai_cost_model_resolved" in s["labels"]
    }
    assert len(models) >= 2


def test_unknown_model_is_unpriced_never_guessed(
    apm_documents: list[Doc], workload: AppRun
) -> None:
    request = workload.by_name("recipe-unpriced")
    assert request.status == 200
    (span,) = llm_spans(in_trace(apm_documents, str(request.trace_id)))
    assert span["labels"]["gen_ai_request_model"] == UNPRICED_MODEL
    numbers = span["numeric_labels"]
    assert numbers["gen_ai_usage_input_tokens"] > 0
    assert not [k for k in numbers if k.startswith("gen_ai_cost_")], "no cost for an unknown model"
    unpriced = metric_samples(apm_documents, "gen_ai.client.unpriced_calls")
    assert sum(sample["value"] for _, sample in unpriced) == 1
    assert {doc["labels"]["gen_ai_request_model"] for doc, _ in unpriced} == {UNPRICED_MODEL}


def test_users_are_pseudonymous_everywhere(apm_documents: list[Doc], workload: AppRun) -> None:
    dumped = json.dumps(apm_documents)
    pseudo: dict[str, set[str]] = defaultdict(set)
    for request in _ok_requests(workload):
        assert request.caller.user not in dumped, "a raw user id reached Elasticsearch"
        assert request.caller.user.split("@")[0] not in dumped
        for span in llm_spans(in_trace(apm_documents, str(request.trace_id))):
            pseudo[request.caller.user].add(span["labels"]["enduser_pseudo_id"])
    assert all(len(ids) == 1 for ids in pseudo.values()), "one stable pseudonym per user"
    assert len({next(iter(ids)) for ids in pseudo.values()}) == len(pseudo)


def test_absorbed_provider_error_is_a_failed_span_with_an_error_document(
    apm_documents: list[Doc], workload: AppRun
) -> None:
    request = workload.by_name("recipe-retried")
    docs = in_trace(apm_documents, str(request.trace_id))
    llm = llm_spans(docs)
    failed = [s for s in llm if outcome(s) == "failure"]
    assert len(failed) == 1 and len(llm) == 2
    (error,) = [e for e in errors(docs) if e["parent"]["id"] == failed[0]["span"]["id"]]
    assert error["error"]["exception"][0]["type"] == "openai.InternalServerError"
    assert error["data_stream"] == {"type": "logs", "dataset": "apm.error", "namespace": "default"}
    assert outcome(_transaction_of(apm_documents, request)) == "success"


def test_exhausted_retries_fail_the_transaction(apm_documents: list[Doc], workload: AppRun) -> None:
    request = workload.by_name("recipe-failed")
    tx = _transaction_of(apm_documents, request)
    assert outcome(tx) == "failure"
    assert tx["transaction"]["result"] == "HTTP 5xx"
    docs = in_trace(apm_documents, trace_id(tx))
    failed = [s for s in llm_spans(docs) if outcome(s) == "failure"]
    assert len(failed) == MAX_ATTEMPTS
    failed_ids = {s["span"]["id"] for s in failed}
    provider_errors = [e for e in errors(docs) if e["parent"]["id"] in failed_ids]
    assert len(provider_errors) == MAX_ATTEMPTS
    assert all("gen_ai_cost_total_usd" not in s.get("numeric_labels", {}) for s in failed)


def test_durations_are_microseconds_as_the_ingest_pipeline_writes_them(
    apm_documents: list[Doc],
) -> None:
    for doc in [*transactions(apm_documents), *spans(apm_documents)]:
        kind = processor_event(doc)
        assert kind is not None
        duration = doc[kind]["duration"]["us"]
        assert isinstance(duration, int) and duration >= 0
        assert "duration" not in doc.get("event", {})
    menu = [t for t in transactions(apm_documents) if t["transaction"]["name"].endswith("/design")]
    assert menu[0]["transaction"]["duration"]["us"] > 1000


def test_token_and_cost_metrics_are_metric_documents(apm_documents: list[Doc]) -> None:
    cost = metric_samples(apm_documents, "gen_ai.client.cost")
    tokens = metric_samples(apm_documents, "gen_ai.client.token.usage")
    assert cost and tokens
    # delta temporality: an interval without LLM calls exports 0, never a negative increase
    assert any(sample["value"] > 0 for _, sample in cost)
    for doc, sample in cost:
        assert sample["type"] == "counter" and sample["value"] >= 0
        labels = doc["labels"]
        assert {"gen_ai_provider_name", "gen_ai_cost_model_resolved", "llmobs_feature"} <= set(
            labels
        )
        assert "enduser_pseudo_id" not in labels, "no per-user dimension on metrics"
    for doc, sample in tokens:
        assert sample["type"] == "histogram" and sum(sample["counts"]) > 0
        assert doc["labels"]["gen_ai_token_type"] in {"input", "output"}
    for doc in metric_docs(apm_documents):
        assert doc["data_stream"]["dataset"] == "apm.app.menu_designer"
        assert doc["service"]["environment"] == "pipeline-test"


def _series_key(labels: dict[str, Any]) -> tuple[str, str, str, str]:
    return (
        labels.get("gen_ai_cost_provider", labels.get("gen_ai_provider_name", "")),
        labels["gen_ai_cost_model_resolved"],
        labels["llmobs_feature"],
        labels["llmobs_team"],
    )


def test_cost_counter_totals_match_the_spans(apm_documents: list[Doc]) -> None:
    """The cost counter (delta temporality: each document holds one interval's increase)
    summed per series equals the sum of its spans' costs."""
    from_spans: dict[tuple[str, str, str, str], float] = defaultdict(float)
    count: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for span in llm_spans(apm_documents):
        cost = span.get("numeric_labels", {}).get("gen_ai_cost_total_usd")
        if cost is not None:
            from_spans[_series_key(span["labels"])] += cost
            count[_series_key(span["labels"])] += 1
    from_metrics: dict[tuple[str, str, str, str], float] = defaultdict(float)
    for doc, sample in metric_samples(apm_documents, "gen_ai.client.cost"):
        key = _series_key(doc["labels"])
        from_metrics[key] += sample["value"]
    assert set(from_metrics) == set(from_spans)
    for key, total in from_spans.items():
        assert math.isclose(from_metrics[key], total, abs_tol=1e-6 * count[key]), key


def test_every_document_names_its_data_stream(apm_documents: list[Doc]) -> None:
    streams = {"{type}-{dataset}-{namespace}".format(**d["data_stream"]) for d in apm_documents}
    assert streams == {
        "traces-apm-default",
        "logs-apm.error-default",
        "metrics-apm.app.menu_designer-default",
    }
    for doc in apm_documents:
        assert doc["observer"]["type"] == "apm-server"
        assert doc["agent"]["name"] == "opentelemetry/python"
