"""Run in its own process (Traceloop.init is global-once): CostSpanProcessor via Traceloop's hook.

Prints the finished spans (name, scope, attributes) as JSON on stdout.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("TRACELOOP_TELEMETRY", "false")
os.environ.setdefault("TRACELOOP_METRICS_ENABLED", "false")

from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from traceloop.sdk import Traceloop
from traceloop.sdk.decorators import workflow
from traceloop.sdk.tracing.tracing import TracerWrapper

from genai_cost import PricingDatabase
from genai_cost.otel import CostSpanProcessor

exporter = InMemorySpanExporter()
processor = CostSpanProcessor(SimpleSpanProcessor(exporter), pricing=PricingDatabase())
Traceloop.init(app_name="probe", processor=processor, telemetry_enabled=False, instruments=set())


@workflow(name="plan_menu")
def plan_menu() -> None:
    """A traceloop workflow span with one LLM child span made through traceloop's tracer."""
    tracer = TracerWrapper().get_tracer()  # type: ignore[no-untyped-call]
    with tracer.start_as_current_span("openai.chat") as span:
        span.set_attribute("gen_ai.provider.name", "openai")
        span.set_attribute("gen_ai.request.model", "gpt-4o-mini")
        span.set_attribute("gen_ai.usage.input_tokens", 1000)
        span.set_attribute("gen_ai.usage.output_tokens", 200)


plan_menu()
processor.force_flush()
spans = [
    {
        "name": s.name,
        "scope": s.instrumentation_scope.name if s.instrumentation_scope else None,
        "attributes": dict(s.attributes or {}),
        "patched_on_start": "on_start" in vars(processor),
    }
    for s in exporter.get_finished_spans()
]
print(json.dumps(spans))
