"""OpenTelemetry integration: a span processor that adds cost attributes and cost metrics."""

from genai_cost.otel.processor import CostSpanProcessor, with_attributes

__all__ = ["CostSpanProcessor", "with_attributes"]
