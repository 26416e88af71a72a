"""Captured content is masked before export: emails, phone numbers, card numbers."""

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.redaction import RedactingSpanProcessor, mask


def test_mask_patterns() -> None:
    text = "Mail bob.smith@example.org or call +44 20 7946 0958, card 4111 1111 1111 1111."
    masked = mask(text)
    assert "example.org" not in masked and "[EMAIL]" in masked
    assert "7946" not in masked and "[PHONE]" in masked
    assert "4111" not in masked and "[CARD]" in masked


def test_mask_keeps_ordinary_numbers() -> None:
    assert mask("Serves 4, bake 180 C for 25 minutes") == "Serves 4, bake 180 C for 25 minutes"


def test_processor_masks_content_attributes_only() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(RedactingSpanProcessor(SimpleSpanProcessor(exporter)))
    with provider.get_tracer("t").start_as_current_span("llm") as span:
        span.set_attribute("gen_ai.prompt.0.content", "my email is a@b.co")
        span.set_attribute("gen_ai.request.model", "a@b.co-model")
    (out,) = exporter.get_finished_spans()
    attrs = out.attributes or {}
    assert attrs["gen_ai.prompt.0.content"] == "my email is [EMAIL]"
    assert attrs["gen_ai.request.model"] == "a@b.co-model"
