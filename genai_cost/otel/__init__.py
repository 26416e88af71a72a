"""OpenTelemetry integration: a span processor that adds cost attributes and cost metrics."""

from genai_cost.otel.processor import CostSpanProcessor

__all__ = ["CostSpanProcessor"]
