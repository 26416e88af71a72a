"""CostSpanProcessor: wraps the next SpanProcessor and hands it LLM spans enriched with cost.

Public API only: the SDK freezes span attributes at end (1.43+), so the enriched span is a
NEW ReadableSpan built with the public constructor from the original's fields. Non-LLM spans
pass through untouched. Plug in with Traceloop.init(processor=CostSpanProcessor(batch)) or
TracerProvider.add_span_processor(CostSpanProcessor(batch)).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from opentelemetry.context import Context
from opentelemetry.metrics import MeterProvider
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

from genai_cost.calculate import Evaluation, evaluate
from genai_cost.database import PricingDatabase
from genai_cost.otel import attributes as attr
from genai_cost.otel.metrics import CostMetrics

log = logging.getLogger("genai_cost.otel")
DEFAULT_EXCLUDED_SCOPES = ("com.anthropic.sdk.python",)
DEFAULT_ATTRIBUTION_KEYS = ("llmobs.feature", "llmobs.team")


class CostSpanProcessor(SpanProcessor):
    """Adds gen_ai.cost.* (and gen_ai.system when missing) to LLM spans, records cost metrics."""

    def __init__(
        self,
        next_processor: SpanProcessor,
        pricing: PricingDatabase | None = None,
        meter_provider: MeterProvider | None = None,
        *,
        excluded_scopes: Sequence[str] = DEFAULT_EXCLUDED_SCOPES,
        attribution_keys: Sequence[str] = DEFAULT_ATTRIBUTION_KEYS,
    ) -> None:
        self.next_processor = next_processor
        self._owns_pricing = pricing is None
        self.pricing = pricing if pricing is not None else PricingDatabase.from_env()
        self._excluded = frozenset(excluded_scopes)
        self._metrics = CostMetrics(meter_provider, attribution_keys)

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Delegate."""
        self.next_processor.on_start(span, parent_context=parent_context)

    def _on_ending(self, span: Span) -> None:
        """Delegate (SDK hook called just before end)."""
        hook = getattr(self.next_processor, "_on_ending", None)
        if hook is not None:
            hook(span)

    def on_end(self, span: ReadableSpan) -> None:
        """Hand the next processor the span, enriched with cost when it is an LLM span."""
        try:
            enriched = self.enrich(span)
        except Exception:  # never lose a span because pricing failed
            log.exception("cost enrichment failed for span %r", span.name)
            enriched = span
        self.next_processor.on_end(enriched)

    def enrich(self, span: ReadableSpan) -> ReadableSpan:
        """The span with cost attributes, or the same span when it is not an LLM span."""
        scope = span.instrumentation_scope
        if scope is not None and scope.name in self._excluded:
            return span
        # One copy up front: the SDK's attribute view raises and catches KeyError for every
        # missing key it is asked about, so plain dict lookups on a copy are cheaper.
        attrs: dict[str, object] = dict(span.attributes or {})
        if attr.COST_STATUS in attrs:
            return span  # already priced (e.g. two processors in a chain)
        call = attr.read_call(attrs)
        if call is None:
            return span
        catalog = self.pricing.catalog
        at = span.end_time / 1e9 if span.end_time else None  # off-peak rates: when it ran
        ev = evaluate(
            catalog, call.model, call.provider, call.counts, call.service_tier, call.batch, at
        )
        requested = attrs.get(attr.MODEL_KEYS[1])
        if ev.key is None and type(requested) is str and requested and requested != call.model:
            # a response model the table does not know (a proxy's or simulator's own name):
            # the requested model is the next best evidence, never a guess
            ev = evaluate(
                catalog, requested, call.provider, call.counts, call.service_tier, call.batch, at
            )
        provider = ev.provider or call.provider
        if ev.status == "priced":
            self._metrics.add_cost(provider, ev.key or "", attrs, ev.input_usd + ev.output_usd)
        elif ev.status == "unpriced":
            self._metrics.add_unpriced(provider, call.model, attrs)
        _add_cost_attributes(attrs, ev, provider, catalog.source)
        return with_attributes(span, attrs)

    def shutdown(self) -> None:
        """Delegate; stop the refresher of a database this processor created itself."""
        self.next_processor.shutdown()
        if self._owns_pricing:
            self.pricing.close()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Delegate."""
        return self.next_processor.force_flush(timeout_millis)


def _add_cost_attributes(
    attrs: dict[str, object], ev: Evaluation, provider: str, source: str
) -> None:
    """Write the contract attributes (DESIGN.md) of one evaluation into the attribute dict."""
    if attr.SYSTEM not in attrs:
        attrs[attr.SYSTEM] = provider
    attrs[attr.COST_STATUS] = ev.status
    attrs[attr.COST_PROVIDER] = provider
    attrs[attr.COST_SOURCE] = source
    if ev.key is not None:
        attrs[attr.COST_MODEL] = ev.key
    if ev.parts is not None:
        attrs[attr.COST_INPUT] = ev.input_usd
        attrs[attr.COST_OUTPUT] = ev.output_usd
        attrs[attr.COST_TOTAL] = ev.input_usd + ev.output_usd
        for part, key in attr.COST_PARTS.items():
            value = ev.parts.get(part)
            if value is not None:
                attrs[key] = value


def with_attributes(span: ReadableSpan, attributes: Mapping[str, object]) -> ReadableSpan:
    """A new ReadableSpan with the original's fields and the given attributes.

    The public way to change an ended span's attributes (they are frozen at end since SDK 1.43):
    other processors in a chain (e.g. a redacting one) use it too.
    """
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=attributes,  # type: ignore[arg-type]
        events=span.events,
        links=span.links,
        kind=span.kind,
        status=span.status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )
