"""A small OTLP/gRPC emitter built on the OpenTelemetry SDK: one request's worth of telemetry.

It exercises what the app does not send: the collector's gRPC receiver and the logs pipeline.
"""

from __future__ import annotations

from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

SERVICE = "synthetic-emitter"
# Below scaled_float's resolution (1e-6): Elasticsearch aggregates it as 0.
TINY_COST_USD = 0.0000004


def emit(grpc_endpoint: str) -> str:
    """Send one trace (server span, LLM spans, a failed call), a log record and a cost metric."""
    resource = Resource.create({"service.name": SERVICE, "deployment.environment.name": "synth"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(
        SimpleSpanProcessor(OTLPSpanExporter(endpoint=grpc_endpoint, insecure=True))
    )
    reader = PeriodicExportingMetricReader(
        OTLPMetricExporter(endpoint=grpc_endpoint, insecure=True), export_interval_millis=60_000
    )
    meter_provider = MeterProvider(
        resource=resource, metric_readers=[reader, InMemoryMetricReader()]
    )
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(
        SimpleLogRecordProcessor(OTLPLogExporter(endpoint=grpc_endpoint, insecure=True))
    )
    logger = logger_provider.get_logger("synthetic")

    tracer = tracer_provider.get_tracer("synthetic")
    with tracer.start_as_current_span("POST /chat", kind=SpanKind.SERVER) as root:
        root.set_attributes({"http.request.method": "POST", "http.response.status_code": 200})
        with tracer.start_as_current_span("openai.chat", kind=SpanKind.CLIENT) as llm:
            llm.set_attributes(
                {
                    "gen_ai.system": "openai",
                    "gen_ai.request.model": "gpt-4o-mini",
                    "gen_ai.usage.input_tokens": 3,
                    "gen_ai.cost.total_usd": TINY_COST_USD,
                }
            )
        with tracer.start_as_current_span("anthropic.chat", kind=SpanKind.CLIENT) as failed:
            failed.set_attributes(
                {"gen_ai.system": "anthropic", "gen_ai.request.model": "claude-haiku-4-5"}
            )
            failed.record_exception(RuntimeError("simulated provider outage"))
            failed.set_status(Status(StatusCode.ERROR, "provider 503"))
        # emitted inside the server span: the log record carries its trace and span ids
        logger.emit(body="synthetic chat answered", severity_number=SeverityNumber.INFO)
        trace_id = f"{root.get_span_context().trace_id:032x}"
    meter_provider.get_meter("synthetic").create_counter("gen_ai.client.cost", unit="USD").add(
        0.25, {"gen_ai.provider.name": "openai"}
    )
    tracer_provider.shutdown()
    logger_provider.shutdown()
    meter_provider.shutdown()
    return trace_id
