"""Every field the Kibana objects and alert rules read is indexed by Elastic, with its type.

Checked against the documents apm-data produced for the app run (`apm_documents`) or, for fields
setup maps before the first document, the traces-apm@custom component template. Metric documents
are checked as Elasticsearch stores them: its metrics-apm@pipeline moves each metricset sample to a
top-level field named after the metric. A second, small run with content capture on and a provider
429 checks the fields only such a run produces. (The alert-log fields live in llmobs-alerts,
written by Kibana's index connector: tier 1 covers them.)
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from scripts.kibana_fields import all_uses, field_list
from tests.pipeline import app_driver
from tests.pipeline.pipeline import REPO, Pipeline

KIBANA = REPO / "kibana"
CUSTOM_TEMPLATE = REPO / "setup" / "data" / "component_template_traces-apm@custom.json"
# Objects that read LLM spans only (span.type : "genai"): their fields must be on LLM spans.
LLM_SPAN_READERS = ("llmobs-dashboard-llm-observability/", "llmobs-search-", "llmobs-rule-")
COST_STATUSES = {"priced", "unpriced", "no_usage"}
# What a metricset sample becomes in Elasticsearch (elastic/elasticsearch, x-pack/plugin/apm-data/
# src/main/resources/ingest-pipelines/metrics-apm@pipeline.yaml sets _dynamic_templates per sample;
# x-pack/plugin/core/template-resources/src/main/resources/metrics@mappings.json defines them):
# counter/gauge -> double_metrics (double, index: false), histogram -> histogram_metrics,
# summary -> summary_metrics (aggregate_metric_double).
SAMPLE_MAPPING = {
    "counter": "double",
    "gauge": "double",
    "histogram": "histogram",
    "summary": "aggregate_metric_double",
}

Doc = dict[str, Any]


def _flatten(node: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value


def _kind(doc: Doc) -> str:
    return str(doc.get("data_stream", {}).get("type", ""))


def _values(docs: list[Doc], name: str, kind: str = "traces") -> list[Any]:
    return [
        value for doc in docs if _kind(doc) == kind for key, value in _flatten(doc) if key == name
    ]


def _mapping() -> dict[str, str]:
    """Dotted field name -> type in the traces-apm@custom component template."""
    template = json.loads(CUSTOM_TEMPLATE.read_text())

    def walk(properties: dict[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
        for key, spec in properties.items():
            if "properties" in spec:
                yield from walk(spec["properties"], f"{prefix}{key}.")
            else:
                yield f"{prefix}{key}", spec["type"]

    return dict(walk(template["template"]["mappings"]["properties"], ""))


def _type_matches(expected: str, value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    if expected in ("keyword", "date"):
        return all(isinstance(v, str) for v in values)
    if expected == "long":
        return all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _llm_spans(docs: list[Doc]) -> list[Doc]:
    return [doc for doc in docs if doc.get("span", {}).get("type") == "genai"]


def test_every_referenced_field_is_indexed_or_mapped(apm_documents: list[Doc]) -> None:
    mapping = _mapping()
    missing = [
        name
        for name, entry in field_list(KIBANA).items()
        if "traces" in entry["in"] and not entry.get("content")
        if not _values(apm_documents, name) and name not in mapping
    ]
    assert missing == [], "fields the objects read that Elastic does not index: fix kibana/"


def test_field_types_match_the_documents(apm_documents: list[Doc]) -> None:
    wrong = []
    for name, entry in field_list(KIBANA).items():
        for value in _values(apm_documents, name) if "traces" in entry["in"] else []:
            if not _type_matches(entry["type"], value):
                wrong.append((name, entry["type"], value))
    assert wrong == []


def test_field_types_match_the_custom_mapping() -> None:
    mapping = _mapping()
    mapped = {name: entry for name, entry in field_list(KIBANA).items() if name in mapping}
    assert mapped, "the cost and token fields are mapped by traces-apm@custom"
    assert {name: mapping[name] for name in mapped} == {n: e["type"] for n, e in mapped.items()}


def test_llm_span_readers_find_their_fields_on_llm_spans(apm_documents: list[Doc]) -> None:
    llm = _llm_spans(apm_documents)
    assert llm, "the app run produced LLM spans (span.type genai)"
    fields = field_list(KIBANA)
    missing = sorted(
        {
            use.field
            for use in all_uses(KIBANA)
            if use.kind == "traces" and use.where.startswith(LLM_SPAN_READERS)
            if not fields[use.field].get("content")
            if not _values(llm, use.field)
        }
    )
    assert missing == []


def test_label_values_the_objects_filter_on(apm_documents: list[Doc]) -> None:
    llm = _llm_spans(apm_documents)
    assert set(_values(llm, "labels.gen_ai_cost_status")) <= COST_STATUSES
    assert set(_values(llm, "event.outcome")) == {"success", "failure"}
    assert set(_values(apm_documents, "labels.traceloop_span_kind")) >= {"task", "workflow"}
    assert set(_values(apm_documents, "labels.llmobs_pairing_fallback")) <= {"true", "false"}


def test_prompt_content_is_absent_by_default(apm_documents: list[Doc]) -> None:
    content = [name for name, entry in field_list(KIBANA).items() if entry.get("content")]
    assert content
    assert [name for name in content if _values(apm_documents, name)] == []


@pytest.fixture
def content_run(
    pipeline_factory: Callable[..., Pipeline], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[Doc]:
    """One OpenAI recipe with content capture on whose first provider call answers 429."""
    plain_env = app_driver.app_env
    monkeypatch.setattr(
        app_driver,
        "app_env",
        lambda *args: {**plain_env(*args), "TRACELOOP_TRACE_CONTENT": "true"},
    )
    pipeline = pipeline_factory()
    with ExitStack() as stack:
        llmsim, llmsim_url = app_driver.start_llmsim(tmp_path)
        stack.callback(llmsim.stop)
        app, app_url = app_driver.start_app(tmp_path, pipeline, llmsim_url)
        stack.callback(app.stop)
        fault = {"fault": "429", "count": 1, "provider": "openai"}
        queued = httpx.post(f"{llmsim_url}/llmsim/faults", json=fault, timeout=5)
        assert queued.status_code in (200, 201, 204), queued.text
        body = {"provider": "openai", "dish_name": "ratatouille", "servings": 2}
        headers = app_driver.RECIPE_CALLER.headers()
        response = httpx.post(f"{app_url}/recipe/generate", json=body, headers=headers, timeout=60)
        assert response.status_code == 200, response.text

        def arrived(hits: list[dict[str, Any]]) -> bool:
            return len(_llm_spans([hit["_source"] for hit in hits])) >= 2

        hits = pipeline.wait_for_hits(arrived, "the retried call's two LLM spans")
    return [hit["_source"] for hit in hits]


def test_content_and_rate_limit_fields_with_capture_on(content_run: list[Doc]) -> None:
    llm = _llm_spans(content_run)
    fields = field_list(KIBANA)
    for name in (name for name, entry in fields.items() if entry.get("content")):
        values = _values(llm, name)
        assert values, name
        assert all(_type_matches(fields[name]["type"], value) for value in values)
    # the 429 panel and rule select labels.error_type : "RateLimitError"
    failed = [doc for doc in llm if doc.get("event", {}).get("outcome") == "failure"]
    assert [_values([doc], "labels.error_type") for doc in failed] == [["RateLimitError"]]


def _indexed_metric(doc: Doc) -> Doc:
    """A metric document as Elasticsearch stores it: metricset.samples moved to top-level fields
    named after each metric (what metrics-apm@pipeline does; a no-op if already done)."""
    metricset = dict(doc.get("metricset", {}))
    indexed = {**doc, "metricset": metricset}
    for sample in metricset.pop("samples", []):
        if sample["type"] == "histogram":
            indexed[sample["name"]] = {"values": sample["values"], "counts": sample["counts"]}
        elif sample["type"] == "summary":
            indexed[sample["name"]] = {"value_count": sample["value_count"], "sum": sample["sum"]}
        else:
            indexed[sample["name"]] = sample["value"]
    return indexed


def _metric_docs(docs: list[Doc]) -> list[Doc]:
    return [_indexed_metric(doc) for doc in docs if _kind(doc) == "metrics"]


def _sample_types(docs: list[Doc]) -> dict[str, set[str]]:
    """Metric name -> the Elasticsearch types its samples get through the dynamic templates."""
    types: dict[str, set[str]] = {}
    for doc in docs:
        if _kind(doc) == "metrics":
            for sample in doc.get("metricset", {}).get("samples", []):
                types.setdefault(sample["name"], set()).add(SAMPLE_MAPPING[sample["type"]])
    return types


def _metric_fields() -> dict[str, dict[str, Any]]:
    return {name: e for name, e in field_list(KIBANA).items() if "metrics" in e["in"]}


def test_metric_fields_are_in_the_indexed_metric_documents(apm_documents: list[Doc]) -> None:
    metric_docs = _metric_docs(apm_documents)
    fields = _metric_fields()
    assert "gen_ai.client.cost" in fields
    missing = [name for name in fields if not _values(metric_docs, name, "metrics")]
    assert missing == [], "fields the metric panels read that the metric documents lack"
    wrong = [
        (name, entry["type"], value)
        for name, entry in fields.items()
        for value in _values(metric_docs, name, "metrics")
        if not _type_matches(entry["type"], value)
    ]
    assert wrong == []


def test_metric_values_get_the_listed_type_from_the_dynamic_templates(
    apm_documents: list[Doc],
) -> None:
    sample_types = _sample_types(apm_documents)
    for name, entry in _metric_fields().items():
        if name in sample_types:
            assert sample_types[name] == {entry["type"]}, name
        else:  # not a metric value: a label (string -> keyword) or the time field
            assert name.startswith("labels.") or name == "@timestamp", name


def test_metric_fields_read_are_not_shadowed_by_another_metric(apm_documents: list[Doc]) -> None:
    """Metric names become object paths: `a.b` and `a.b.c` cannot both be mapped, so documents
    of one of them would be rejected (elastic/apm#347)."""
    names = set(_sample_types(apm_documents))
    read = {name for name in _metric_fields() if name in names}
    assert read
    clashes = {
        (r, n) for r in read for n in names if n.startswith(f"{r}.") or r.startswith(f"{n}.")
    }
    assert clashes == set()


def test_metric_cost_equals_span_cost_when_every_trace_is_kept(apm_documents: list[Doc]) -> None:
    """The pipeline run keeps every trace, so the sampling-proof tile (sum of the delta counter)
    shows what the span tile shows; the chart's models are the models the spans were priced as."""
    metric_docs = _metric_docs(apm_documents)
    llm = _llm_spans(apm_documents)
    span_costs = _values(llm, "numeric_labels.gen_ai_cost_total_usd")
    metric_cost = sum(_values(metric_docs, "gen_ai.client.cost", "metrics"))
    assert metric_cost > 0
    assert math.isclose(metric_cost, sum(span_costs), abs_tol=1e-6 * len(span_costs))
    models = set(_values(metric_docs, "labels.gen_ai_cost_model_resolved", "metrics"))
    priced = [span for span in llm if _values([span], "numeric_labels.gen_ai_cost_total_usd")]
    assert models == set(_values(priced, "labels.gen_ai_cost_model_resolved"))
