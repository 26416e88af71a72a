"""CostSpanProcessor on real SDK spans: TracerProvider, in-memory exporter and metric reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from opentelemetry.context import Context
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, Sum
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from opentelemetry.util.types import AttributeValue

from genai_cost import PricingDatabase, Usage, calculate_cost
from genai_cost.otel import CostSpanProcessor

LLM: dict[str, AttributeValue] = {
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
    "gen_ai.usage.input_tokens": 1000,
    "gen_ai.usage.output_tokens": 200,
    "gen_ai.usage.cache_read.input_tokens": 400,
    "llmobs.feature": "menu",
    "llmobs.team": "growth",
    "llmobs.user": "u-hash-123",
}


@dataclass
class Stack:
    provider: TracerProvider
    exporter: InMemorySpanExporter
    reader: InMemoryMetricReader

    def spans(self) -> dict[str, ReadableSpan]:
        return {s.name: s for s in self.exporter.get_finished_spans()}

    def points(self, metric: str) -> list[tuple[dict[str, object], float]]:
        data = self.reader.get_metrics_data()
        out: list[tuple[dict[str, object], float]] = []
        for rm in data.resource_metrics if data else []:
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    if m.name == metric:
                        assert isinstance(m.data, Sum) and m.data.is_monotonic  # a counter
                        out += [(dict(p.attributes or {}), p.value) for p in m.data.data_points]
        return out


@pytest.fixture
def stack(db: PricingDatabase) -> Iterator[Stack]:
    exporter, reader = InMemorySpanExporter(), InMemoryMetricReader()
    meters = MeterProvider(metric_readers=[reader])
    provider = TracerProvider()
    provider.add_span_processor(
        CostSpanProcessor(SimpleSpanProcessor(exporter), pricing=db, meter_provider=meters)
    )
    yield Stack(provider, exporter, reader)
    provider.shutdown()
    meters.shutdown()


def test_llm_span_is_enriched(stack: Stack, db: PricingDatabase) -> None:
    tracer = stack.provider.get_tracer("opentelemetry.instrumentation.openai")
    with (
        tracer.start_as_current_span("parent"),
        tracer.start_as_current_span(
            "openai.chat",
            kind=SpanKind.CLIENT,
            attributes=LLM,
            links=[Link(stack.provider.get_tracer("x").start_span("linked").get_span_context())],
        ) as span,
    ):
        span.add_event("gen_ai.choice", {"index": 0})
        span.set_status(Status(StatusCode.ERROR, "boom"))
    out = stack.spans()["openai.chat"]
    assert isinstance(span, ReadableSpan)  # the SDK span, for comparing fields
    expected = calculate_cost(db, "gpt-4o-mini-2024-07-18", "openai", Usage(1000, 200, 400))
    attrs = out.attributes or {}
    assert attrs["gen_ai.cost.status"] == "priced"
    assert attrs["gen_ai.cost.total_usd"] == expected.total_usd > 0
    assert attrs["gen_ai.cost.input_usd"] == expected.input_usd
    assert attrs["gen_ai.cost.output_usd"] == expected.output_usd
    assert attrs["gen_ai.cost.cache_read_usd"] == expected.breakdown["cache_read"]
    assert "gen_ai.cost.cache_write_usd" not in attrs
    assert attrs["gen_ai.cost.model_resolved"] == "gpt-4o-mini-2024-07-18"
    assert attrs["gen_ai.cost.provider"] == "openai"
    assert attrs["gen_ai.cost.pricing_source"] == db.source
    assert attrs["gen_ai.system"] == "openai"  # copied: APM types spans by gen_ai.system
    for key, value in LLM.items():
        assert attrs[key] == value
    # every other field of the original is carried over
    assert out.context == span.get_span_context() and out.parent == span.parent
    assert out.kind == SpanKind.CLIENT and out.status.status_code == StatusCode.ERROR
    assert [e.name for e in out.events] == ["gen_ai.choice"] and len(out.links) == 1
    assert (out.start_time, out.end_time) == (span.start_time, span.end_time)
    assert out.instrumentation_scope is not None
    assert out.instrumentation_scope.name == "opentelemetry.instrumentation.openai"
    assert out.resource == span.resource


def test_older_attribute_variants(stack: Stack, db: PricingDatabase) -> None:
    attrs: dict[str, AttributeValue] = {
        "gen_ai.system": "Anthropic",
        "gen_ai.request.model": "claude-sonnet-4-5",
        "gen_ai.usage.prompt_tokens": 10_000,
        "gen_ai.usage.completion_tokens": 100,
        "gen_ai.usage.cache_creation.input_tokens": 3000,
        "gen_ai.usage.cache_read_input_tokens": 2000,
        "gen_ai.usage.reasoning_tokens": 40,
    }
    stack.provider.get_tracer("t").start_span("anthropic.chat", attributes=attrs).end()
    out = stack.spans()["anthropic.chat"].attributes or {}
    expected = calculate_cost(
        db, "claude-sonnet-4-5", "anthropic", Usage(10_000, 100, 2000, 3000, 40)
    )
    assert out["gen_ai.cost.total_usd"] == pytest.approx(expected.total_usd, rel=1e-12)
    assert out["gen_ai.cost.cache_write_usd"] == pytest.approx(3000 * 3.75e-06, rel=1e-12)
    assert out["gen_ai.cost.reasoning_usd"] == pytest.approx(40 * 1.5e-05, rel=1e-12)
    assert out["gen_ai.system"] == "Anthropic"  # present: left as it was


def passthrough_pair(db: PricingDatabase) -> tuple[TracerProvider, Recording, Recording]:
    """Ours (wrapping `inner`) and `beside`, which gets the very object the SDK hands us."""
    inner, beside = Recording(), Recording()
    provider = TracerProvider()
    provider.add_span_processor(CostSpanProcessor(inner, pricing=db))
    provider.add_span_processor(beside)
    return provider, inner, beside


def test_non_llm_span_passes_through_untouched(db: PricingDatabase) -> None:
    provider, inner, beside = passthrough_pair(db)
    provider.get_tracer("flask").start_span("GET /menu", attributes={"http.route": "/m"}).end()
    provider.get_tracer("t").start_span("db", attributes={"db.system": "x"}).end()
    provider.get_tracer("t").start_span("no-model", attributes={"gen_ai.system": "openai"}).end()
    assert len(inner.ended) == 3
    for ours_, sdk in zip(inner.ended, beside.ended, strict=True):
        assert ours_ is sdk


def test_anthropic_sdk_own_span_is_not_priced_twice(db: PricingDatabase) -> None:
    provider, inner, beside = passthrough_pair(db)
    tracer = provider.get_tracer("com.anthropic.sdk.python")
    attrs: dict[str, AttributeValue] = {
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4-5",
        "gen_ai.usage.input_tokens": 10,
        "gen_ai.usage.output_tokens": 10,
    }
    tracer.start_span("anthropic.messages.create", attributes=attrs).end()
    assert inner.ended[0] is beside.ended[0]
    assert "gen_ai.cost.status" not in (inner.ended[0].attributes or {})
    # the same span from traceloop's scope is priced
    provider.get_tracer("opentelemetry.instrumentation.anthropic").start_span(
        "anthropic.chat", attributes=attrs
    ).end()
    assert (inner.ended[1].attributes or {})["gen_ai.cost.status"] == "priced"


def test_unpriced_and_no_usage(stack: Stack) -> None:
    tracer = stack.provider.get_tracer("t")
    tracer.start_span(
        "a",
        attributes={
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "my-private-model",
            "gen_ai.usage.input_tokens": 5,
            "llmobs.feature": "menu",
            "llmobs.team": "growth",
            "llmobs.user": "u1",
        },
    ).end()
    tracer.start_span(
        "b", attributes={"gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini"}
    ).end()
    spans = stack.spans()
    a, b = spans["a"].attributes or {}, spans["b"].attributes or {}
    assert a["gen_ai.cost.status"] == "unpriced" and "gen_ai.cost.total_usd" not in a
    assert b["gen_ai.cost.status"] == "no_usage" and "gen_ai.cost.total_usd" not in b
    assert b["gen_ai.cost.model_resolved"] == "gpt-4o-mini"
    assert stack.points("gen_ai.client.unpriced_calls") == [
        (
            {
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "my-private-model",
                "llmobs.feature": "menu",
                "llmobs.team": "growth",
            },
            1,
        )
    ]


def test_cost_metric_bounded_attributes(stack: Stack, db: PricingDatabase) -> None:
    tracer = stack.provider.get_tracer("t")
    for _ in range(3):
        tracer.start_span("llm", attributes=LLM).end()
    expected = calculate_cost(db, "gpt-4o-mini-2024-07-18", "openai", Usage(1000, 200, 400))
    [(attrs, value)] = stack.points("gen_ai.client.cost")
    assert attrs == {
        "gen_ai.provider.name": "openai",
        "gen_ai.cost.model_resolved": "gpt-4o-mini-2024-07-18",
        "llmobs.feature": "menu",
        "llmobs.team": "growth",
    }  # never the user
    assert value == pytest.approx(3 * expected.total_usd, rel=1e-12)


def test_already_priced_span_is_left_alone(db: PricingDatabase) -> None:
    exporter = InMemorySpanExporter()
    inner = CostSpanProcessor(SimpleSpanProcessor(exporter), pricing=db)
    provider = TracerProvider()
    provider.add_span_processor(CostSpanProcessor(inner, pricing=db))
    provider.get_tracer("t").start_span("llm", attributes=LLM).end()
    [out] = exporter.get_finished_spans()
    assert (out.attributes or {})["gen_ai.cost.status"] == "priced"
    provider.shutdown()


class Recording(SpanProcessor):
    """A real (tiny) SpanProcessor that records what it is handed."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.ended: list[ReadableSpan] = []
        self.flushed = self.shut = False

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self.started.append(span.name)

    def on_end(self, span: ReadableSpan) -> None:
        self.ended.append(span)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        self.flushed = True
        return True

    def shutdown(self) -> None:
        self.shut = True


def test_delegates_start_flush_shutdown(db: PricingDatabase) -> None:
    rec = Recording()
    provider = TracerProvider()
    provider.add_span_processor(CostSpanProcessor(rec, pricing=db))
    provider.get_tracer("t").start_span("llm", attributes=LLM).end()
    assert rec.started == ["llm"] and len(rec.ended) == 1
    assert provider.force_flush() and rec.flushed
    provider.shutdown()
    assert rec.shut


def test_works_with_batch_span_processor(db: PricingDatabase) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(CostSpanProcessor(BatchSpanProcessor(exporter), pricing=db))
    provider.get_tracer("t").start_span("llm", attributes=LLM).end()
    provider.force_flush()
    [out] = exporter.get_finished_spans()
    assert (out.attributes or {})["gen_ai.cost.status"] == "priced"
    provider.shutdown()


def test_metric_series_are_bounded(db: PricingDatabase) -> None:
    reader = InMemoryMetricReader()
    meters = MeterProvider(metric_readers=[reader])
    processor = CostSpanProcessor(SpanProcessor(), pricing=db, meter_provider=meters)
    processor._metrics.max_series = 3
    provider = TracerProvider()
    provider.add_span_processor(processor)
    for i in range(5):  # feature values a client controls through a request header
        attrs = {**LLM, "llmobs.feature": f"f{i}"}
        provider.get_tracer("t").start_span("llm", attributes=attrs).end()
    stack = Stack(provider, InMemorySpanExporter(), reader)
    points = stack.points("gen_ai.client.cost")
    one = calculate_cost(db, "gpt-4o-mini-2024-07-18", "openai", Usage(1000, 200, 400)).total_usd
    assert sorted(str(a.get("llmobs.feature")) for a, _ in points) == ["None", "f0", "f1", "f2"]
    [overflow] = [v for a, v in points if a == {"otel.metric.overflow": True}]
    assert overflow == pytest.approx(2 * one, rel=1e-12)
    provider.shutdown()
    meters.shutdown()


def test_own_database_from_env_is_closed_on_shutdown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GENAI_COST_REFRESH", "on")
    monkeypatch.setenv("GENAI_COST_REFRESH_URL", "http://127.0.0.1:9/prices.json")  # discard port
    monkeypatch.setenv("GENAI_COST_CACHE_DIR", str(tmp_path))
    processor = CostSpanProcessor(SpanProcessor())
    refresher = processor.pricing._refresher
    assert refresher is not None and refresher._thread.is_alive()
    processor.shutdown()
    assert processor.pricing._refresher is None and not refresher._thread.is_alive()


def test_off_peak_priced_at_the_span_end_time(stack: Stack, db: PricingDatabase) -> None:
    attrs: dict[str, AttributeValue] = {
        "gen_ai.provider.name": "deepseek",
        "gen_ai.request.model": "deepseek-v4-pro",
        "gen_ai.usage.input_tokens": 1000,
        "gen_ai.usage.output_tokens": 0,
    }
    tracer = stack.provider.get_tracer("t")
    for name, hour in (("peak", 8), ("off", 12)):
        end = dt.datetime(2026, 11, 23, hour, tzinfo=dt.UTC)
        start_ns = int(end.timestamp() * 1e9) - 1_000_000
        tracer.start_span(name, attributes=attrs, start_time=start_ns).end(start_ns + 1_000_000)
    spans = stack.spans()
    assert (spans["peak"].attributes or {})["gen_ai.cost.total_usd"] == pytest.approx(
        1000 * 1.32e-06
    )
    assert (spans["off"].attributes or {})["gen_ai.cost.total_usd"] == pytest.approx(1000 * 6.6e-07)


def test_unknown_response_model_falls_back_to_requested(stack: Stack) -> None:
    attrs: dict[str, AttributeValue] = {
        **LLM,
        "gen_ai.response.model": "proxy-internal-name-7",
        "gen_ai.request.model": "gpt-4o-mini",
    }
    stack.provider.get_tracer("t").start_span("llm", attributes=attrs).end()
    out = stack.spans()["llm"].attributes or {}
    assert out["gen_ai.cost.status"] == "priced"
    assert out["gen_ai.cost.model_resolved"] == "gpt-4o-mini"
    unknown: dict[str, AttributeValue] = {**attrs, "gen_ai.request.model": "also-unknown"}
    stack.provider.get_tracer("t").start_span("llm2", attributes=unknown).end()
    assert (stack.spans()["llm2"].attributes or {})["gen_ai.cost.status"] == "unpriced"
