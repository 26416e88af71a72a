"""Benchmark of the cost engine (not a test): prints medians on this machine.

    .venv/bin/python benchmarks/bench_genai_cost.py      (or: make bench-cost)

Targets: snapshot load <= 150 ms; warm enrichment <= 5 us per LLM span.
Enrichment overhead = CostSpanProcessor.on_end minus the bare next processor's on_end,
on real SDK ReadableSpans, with a real SDK MeterProvider recording the cost metrics.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.util.types import AttributeValue

from genai_cost import PricingDatabase
from genai_cost.otel import CostSpanProcessor
from genai_cost.resolve import Resolver
from genai_cost.snapshot import load_snapshot

NAMES = [
    ("gpt-4o-mini", "openai"),
    ("gpt-4o-mini-2024-07-18", "openai"),
    ("claude-sonnet-4-5-20250929", "anthropic"),
    ("openai/gpt-4o-mini-2099-01-01", None),
    ("apac.anthropic.claude-sonnet-4-5-20250929-v1:0", "aws.bedrock"),
    ("gpt-4o", "azure"),
    ("no-such-model", "openai"),
]
LLM_ATTRS: dict[str, AttributeValue] = {
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
    "gen_ai.usage.input_tokens": 1200,
    "gen_ai.usage.output_tokens": 300,
    "gen_ai.usage.cache_read.input_tokens": 400,
    "llmobs.feature": "menu",
    "llmobs.team": "growth",
}


def median_ms(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def bench_load() -> None:
    load = median_ms(load_snapshot, 15)
    full = median_ms(PricingDatabase, 15)
    print(f"snapshot load (json + validate + sha256):      {load:8.1f} ms   (target <= 150 ms)")
    print(f"PricingDatabase() incl. resolver index:        {full:8.1f} ms")


def bench_resolve() -> None:
    table = load_snapshot()
    cold: list[float] = []
    for _ in range(5):
        resolver = Resolver(table.entries, {})
        for name, provider in NAMES:
            start = time.perf_counter()
            resolver.resolve(name, provider)
            cold.append((time.perf_counter() - start) * 1e6)
    resolver = Resolver(table.entries, {})
    warm: list[float] = []
    for name, provider in NAMES:
        resolver.resolve(name, provider)
        for _ in range(7):
            start = time.perf_counter()
            for _ in range(10_000):
                resolver.resolve(name, provider)
            warm.append((time.perf_counter() - start) * 1e6 / 10_000)
    print(
        f"resolve cold (first time a name is seen):      {statistics.median(cold):8.2f} us"
        f"   (max {max(cold):.1f} us over {len(NAMES)} names)"
    )
    print(f"resolve warm (memoised):                       {statistics.median(warm):8.3f} us")


def finished_spans(n: int, attrs: Mapping[str, AttributeValue]) -> list[ReadableSpan]:
    collected: list[ReadableSpan] = []

    class Collect(SpanProcessor):
        def on_end(self, span: ReadableSpan) -> None:
            collected.append(span)

    provider = TracerProvider()
    provider.add_span_processor(Collect())
    tracer = provider.get_tracer("opentelemetry.instrumentation.openai")
    for _ in range(n):
        tracer.start_span("openai.chat", attributes=attrs).end()
    return collected


def per_span_us(processor: SpanProcessor, spans: list[ReadableSpan]) -> float:
    start = time.perf_counter()
    for span in spans:
        processor.on_end(span)
    return (time.perf_counter() - start) * 1e6 / len(spans)


def bench_enrichment() -> None:
    db = PricingDatabase()
    meters = MeterProvider(metric_readers=[InMemoryMetricReader()])
    bare = SpanProcessor()
    ours = CostSpanProcessor(bare, pricing=db, meter_provider=meters)
    llm = finished_spans(20_000, LLM_ATTRS)
    plain = finished_spans(20_000, {"http.route": "/menu"})
    per_span_us(ours, llm[:1000])  # warm the memo and the metric instruments
    enrich = [per_span_us(ours, llm) - per_span_us(bare, llm) for _ in range(7)]
    passthrough = [per_span_us(ours, plain) - per_span_us(bare, plain) for _ in range(7)]
    print(
        f"enrichment overhead per LLM span (warm):       {statistics.median(enrich):8.2f} us"
        "   (target <= 5 us)"
    )
    plain_us = statistics.median(passthrough)
    print(f"overhead per non-LLM span (pass-through):      {plain_us:8.2f} us")


def main() -> None:
    bench_load()
    bench_resolve()
    bench_enrichment()


if __name__ == "__main__":
    main()
