"""Selectors over APM documents (Elasticsearch `_source` dicts), by what APM Server indexed."""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

# Cost attributes written by the cost processor, as APM Server stores them (dots → underscores).
COST_FIELDS = ("gen_ai_cost_input_usd", "gen_ai_cost_output_usd", "gen_ai_cost_total_usd")
TOKEN_FIELDS = ("gen_ai_usage_input_tokens", "gen_ai_usage_output_tokens")


def processor_event(doc: Doc) -> str | None:
    value = doc.get("processor", {}).get("event")
    return value if isinstance(value, str) else None


def transactions(docs: list[Doc]) -> list[Doc]:
    return [d for d in docs if processor_event(d) == "transaction"]


def spans(docs: list[Doc]) -> list[Doc]:
    return [d for d in docs if processor_event(d) == "span"]


def errors(docs: list[Doc]) -> list[Doc]:
    return [d for d in docs if d.get("data_stream", {}).get("dataset") == "apm.error"]


def metric_docs(docs: list[Doc]) -> list[Doc]:
    return [d for d in docs if d.get("data_stream", {}).get("type") == "metrics"]


def llm_spans(docs: list[Doc]) -> list[Doc]:
    """Spans of provider calls: identified by the request model the instrumentation records."""
    return [d for d in spans(docs) if "gen_ai_request_model" in d.get("labels", {})]


def trace_id(doc: Doc) -> str:
    return str(doc["trace"]["id"])


def in_trace(docs: list[Doc], trace: str) -> list[Doc]:
    return [d for d in docs if d.get("trace", {}).get("id") == trace]


def outcome(doc: Doc) -> str | None:
    value = doc.get("event", {}).get("outcome")
    return value if isinstance(value, str) else None


def samples(doc: Doc) -> list[dict[str, Any]]:
    return list(doc.get("metricset", {}).get("samples", []))


def metric_samples(docs: list[Doc], name: str) -> list[tuple[Doc, dict[str, Any]]]:
    """(document, sample) pairs of the metric `name`."""
    return [(d, s) for d in metric_docs(docs) for s in samples(d) if s["name"] == name]
