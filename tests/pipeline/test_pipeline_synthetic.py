"""OTLP/gRPC into the collector, logs, and the secret token (a synthetic SDK emitter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.pipeline.documents import errors, in_trace, llm_spans, metric_samples, transactions
from tests.pipeline.pipeline import BASE_CONFIG, Hit, Pipeline, sources
from tests.pipeline.synthetic import SERVICE, emit
from tests.processes import wait_until


def _complete(hits: list[Hit]) -> bool:
    indices = {hit["_index"] for hit in hits}
    return {
        "traces-apm-default",
        "logs-apm.error-default",
        "logs-apm.app.synthetic_emitter-default",
        "metrics-apm.app.synthetic_emitter-default",
    } <= indices and len(llm_spans(sources(hits))) == 2


def test_grpc_signals_become_apm_documents(pipeline_factory: Callable[..., Any]) -> None:
    pipeline: Pipeline = pipeline_factory()
    trace = emit(pipeline.otlp_grpc_endpoint)
    docs = sources(pipeline.wait_for_hits(_complete, "synthetic traces, error, log and metric"))
    (tx,) = transactions(in_trace(docs, trace))
    assert tx["transaction"]["name"] == "POST /chat" and tx["service"]["name"] == SERVICE
    ok, failed = sorted(llm_spans(docs), key=lambda s: s["event"]["outcome"] == "failure")
    assert ok["span"]["type"] == failed["span"]["type"] == "genai"
    assert failed["event"]["outcome"] == "failure"
    (error,) = errors(docs)
    assert error["parent"]["id"] == failed["span"]["id"]
    assert error["error"]["exception"][0]["message"] == "simulated provider outage"
    (log,) = [
        d
        for d in docs
        if d["data_stream"]
        == {"type": "logs", "dataset": "apm.app.synthetic_emitter", "namespace": "default"}
    ]
    assert log["message"] == "synthetic chat answered"
    assert log["trace"]["id"] == trace
    assert [s["value"] for _, s in metric_samples(docs, "gen_ai.client.cost")] == [0.25]


def test_sub_micro_dollar_costs_aggregate_as_zero(pipeline_factory: Callable[..., Any]) -> None:
    """Why traces-apm@custom maps cost fields as double: scaled_float (1e6) drops $0.0000004."""
    pipeline: Pipeline = pipeline_factory()
    emit(pipeline.otlp_grpc_endpoint)
    docs = sources(pipeline.wait_for_hits(_complete, "synthetic documents"))
    (priced,) = [
        s for s in llm_spans(docs) if "gen_ai_cost_total_usd" in s.get("numeric_labels", {})
    ]
    assert priced["numeric_labels"]["gen_ai_cost_total_usd"] == 0
    assert priced["numeric_labels"]["gen_ai_usage_input_tokens"] == 3


def test_a_wrong_secret_token_is_refused(pipeline_factory: Callable[..., Any]) -> None:
    pipeline: Pipeline = pipeline_factory(collector_token="not-the-token")
    emit(pipeline.otlp_grpc_endpoint)
    log = pipeline.collector.log_path
    wait_until(lambda: "Unauthenticated" in log.read_text(), "refusal", pipeline.collector)
    assert "missing or invalid secret token" in log.read_text()
    assert pipeline.hits() == []


def test_debug_overlay_prints_and_still_exports(pipeline_factory: Callable[..., Any]) -> None:
    overlay = BASE_CONFIG.with_name("otel-collector-config.debug.yaml")
    pipeline: Pipeline = pipeline_factory(configs=(BASE_CONFIG, overlay))
    emit(pipeline.otlp_grpc_endpoint)
    pipeline.wait_for_hits(_complete, "synthetic documents through the overlay")
    log = pipeline.collector.log_path
    wait_until(
        lambda: '"otelcol.component.id": "debug"' in log.read_text(),
        "debug exporter output",
        pipeline.collector,
    )
