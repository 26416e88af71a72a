"""Masking of emails, phone numbers and card numbers in captured prompt/completion content.

Content capture is off by default (TRACELOOP_TRACE_CONTENT=false). When a team opts in, the
exported spans carry the messages with these patterns masked; span attributes are frozen once a
span ends, so the masked copy is a new span built by genai_cost's `with_attributes`.
"""

from __future__ import annotations

import re

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.util.types import AttributeValue

from genai_cost.otel import with_attributes

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 13-19 digits, optionally grouped by spaces or dashes (card numbers)
_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
# international or national phone numbers: +, digits, separators; at least 7 digits in all
_PHONE = re.compile(r"(?<![\w])(?:\+?\d[\d ().-]{5,}\d)(?![\w])")

# Attribute name fragments that hold message content in the GenAI conventions and traceloop.
_CONTENT_KEYS = (
    "gen_ai.prompt",
    "gen_ai.completion",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "traceloop.entity.input",
    "traceloop.entity.output",
)


def mask(text: str) -> str:
    """Replace emails, card numbers and phone numbers with fixed placeholders."""
    text = _EMAIL.sub("[EMAIL]", text)
    text = _CARD.sub(_card_or_keep, text)
    return _PHONE.sub(_phone_or_keep, text)


def _card_or_keep(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[CARD]" if 13 <= len(digits) <= 19 else match.group()


def _phone_or_keep(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[PHONE]" if 7 <= len(digits) <= 15 else match.group()


def _is_content_key(key: str) -> bool:
    return key.startswith(_CONTENT_KEYS)


def _masked_value(value: AttributeValue) -> AttributeValue:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, tuple | list) and value and isinstance(value[0], str):
        return tuple(mask(str(v)) for v in value)
    return value


def masked_span(span: ReadableSpan) -> ReadableSpan:
    """The span itself when it holds no content, else a copy with every content attribute masked."""
    attributes = span.attributes or {}
    if not any(_is_content_key(k) for k in attributes):
        return span
    new_attributes = {
        k: (_masked_value(v) if _is_content_key(k) else v) for k, v in attributes.items()
    }
    return with_attributes(span, new_attributes)


class RedactingSpanProcessor(SpanProcessor):
    """Hands the next processor a masked copy of each span that carries message content."""

    def __init__(self, next_processor: SpanProcessor) -> None:
        self._next = next_processor

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self._next.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        self._next.on_end(masked_span(span))

    def shutdown(self) -> None:
        self._next.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._next.force_flush(timeout_millis)
