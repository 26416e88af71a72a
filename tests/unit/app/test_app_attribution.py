"""Attribution headers become span attributes; the raw user id never does."""

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.attribution import (
    FEATURE,
    TEAM,
    USER_PSEUDO_ID,
    AttributionError,
    ContextAttributesSpanProcessor,
    attribution_from_headers,
    bound_attributes,
    pseudonymise,
)

KEY = b"k" * 32


def test_pseudonym_is_stable_keyed_and_not_the_id() -> None:
    a = pseudonymise("alice@example.com", KEY)
    assert a == pseudonymise("alice@example.com", KEY)
    assert a != pseudonymise("alice@example.com", b"other-key-000000")
    assert "alice" not in a and a.startswith("u_")


def test_headers_to_attributes() -> None:
    attrs = attribution_from_headers(
        {"X-Feature": "menu", "X-Team": "growth", "X-User-Id": "alice"}, KEY
    )
    assert attrs[FEATURE] == "menu" and attrs[TEAM] == "growth"
    assert attrs[USER_PSEUDO_ID] == pseudonymise("alice", KEY)
    assert "alice" not in attrs.values()


@pytest.mark.parametrize("value", ["", "a" * 65, "has space", "new\nline"])
def test_bad_header_values_are_rejected_with_the_header_name(value: str) -> None:
    with pytest.raises(AttributionError, match="X-Team"):
        attribution_from_headers({"X-Team": value}, KEY)


def test_processor_copies_bound_attributes_to_nested_spans() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(ContextAttributesSpanProcessor())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("t")
    with (
        bound_attributes(**{FEATURE: "menu"}),
        tracer.start_as_current_span("outer"),
        bound_attributes(**{TEAM: "growth"}),
        tracer.start_as_current_span("inner"),
    ):
        pass
    with tracer.start_as_current_span("after"):
        pass
    spans = {s.name: dict(s.attributes or {}) for s in exporter.get_finished_spans()}
    assert spans["outer"] == {FEATURE: "menu"}
    assert spans["inner"] == {FEATURE: "menu", TEAM: "growth"}
    assert spans["after"] == {}
