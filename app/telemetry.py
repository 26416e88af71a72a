"""Telemetry of the app: traceloop with our processors, the Flask server span, OTLP export.

Span path: ContextAttributesSpanProcessor (attribution on every span at start), then
CostSpanProcessor (genai_cost: cost attributes on LLM spans, cost metrics) wrapping, when content
capture is on, the RedactingSpanProcessor, wrapping a BatchSpanProcessor (OTEL_BSP_* honoured)
and the OTLP/HTTP exporter (OTEL_EXPORTER_OTLP_ENDPOINT honoured). Export is always batched: a
synchronous exporter blocks each request ~7.5 s when the collector is down (DESIGN.md).
"""

from __future__ import annotations

import os

from flask import Flask
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.sdk.metrics.export import MetricExporter
from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from traceloop.sdk import Traceloop
from traceloop.sdk.instruments import Instruments

from app.attribution import ContextAttributesSpanProcessor
from app.redaction import RedactingSpanProcessor
from app.settings import Settings
from genai_cost import PricingDatabase
from genai_cost.otel import CostSpanProcessor

# Probes are not user traffic: no transactions for them.
EXCLUDED_URLS = "/health,/ready"


def init_telemetry(
    settings: Settings,
    span_exporter: SpanExporter | None = None,
    metric_exporter: MetricExporter | None = None,
) -> None:
    """Initialise tracing and metrics once per process (traceloop's tracer is a singleton)."""
    # traceloop reads its switch from the environment and defaults to capturing content: we
    # default to off and set it explicitly from our validated settings.
    os.environ["TRACELOOP_TRACE_CONTENT"] = "true" if settings.trace_content else "false"
    # APM Server stores each metric document as sent: with cumulative temporality every export
    # repeats the running total and a sum in Kibana over-counts. Delta unless the user says not.
    os.environ.setdefault("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta")
    exporter_chain: SpanProcessor = BatchSpanProcessor(span_exporter or OTLPSpanExporter())
    if settings.trace_content:
        exporter_chain = RedactingSpanProcessor(exporter_chain)
    processors: list[SpanProcessor] = [
        ContextAttributesSpanProcessor(),
        CostSpanProcessor(exporter_chain, pricing=PricingDatabase.from_env()),
    ]
    Traceloop.init(
        app_name=settings.service_name,
        processor=processors,
        metrics_exporter=metric_exporter or OTLPMetricExporter(),
        telemetry_enabled=False,  # no anonymous usage reporting to traceloop
        instruments={Instruments.OPENAI, Instruments.ANTHROPIC},
    )


def instrument_flask(app: Flask) -> None:
    """Make each request the root SERVER span (APM shows it as the transaction)."""
    FlaskInstrumentor().instrument_app(app, excluded_urls=EXCLUDED_URLS)  # type: ignore[no-untyped-call]
