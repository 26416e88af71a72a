"""Who a request is for (feature, team, tenant, pseudonymous user) and which agent is calling.

The values live in the OpenTelemetry context under a private key, not in W3C baggage, so they
never leave the process in outbound headers (the LLM providers must not learn our teams or
tenants). `ContextAttributesSpanProcessor` copies them onto every span that starts under them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol

from opentelemetry import context as otel_context
from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.util.types import AttributeValue

# Span attribute names (the dashboards read them as labels.llmobs_feature, ...).
FEATURE = "llmobs.feature"
TEAM = "llmobs.team"
TENANT = "llmobs.tenant"
USER_PSEUDO_ID = "enduser.pseudo.id"  # OTel semconv: a pseudonymous end-user identifier
AGENT = "llmobs.agent"
LLM_ATTEMPT = "llmobs.llm_attempt"

# Request headers that carry attribution (all optional).
HEADERS = {"X-Feature": FEATURE, "X-Team": TEAM, "X-Tenant-Id": TENANT}
USER_HEADER = "X-User-Id"

_CONTEXT_KEY = otel_context.create_key("llmobs.span_attributes")
_VALUE_RE = re.compile(r"^[A-Za-z0-9._:@/-]{1,64}$")


class HeaderLookup(Protocol):
    """What we need of a request's headers (werkzeug's Headers or a plain dict)."""

    def get(self, key: str, /) -> str | None: ...


class AttributionError(ValueError):
    """An attribution header has a value that cannot be a label (bounded, printable)."""


def pseudonymise(user_id: str, key: bytes) -> str:
    """Keyed hash of a user id: stable per user, not reversible without the key."""
    return "u_" + hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()[:20]


def attribution_from_headers(headers: HeaderLookup, key: bytes) -> dict[str, str]:
    """Span attributes for the attribution headers present; the raw user id never leaves here."""
    attributes: dict[str, str] = {}
    for header, attribute in HEADERS.items():
        value = headers.get(header)
        if value is not None:
            attributes[attribute] = _checked(header, value)
    user = headers.get(USER_HEADER)
    if user is not None:
        if not 0 < len(user) <= 256:
            raise AttributionError(f"header {USER_HEADER}: must be 1 to 256 characters")
        attributes[USER_PSEUDO_ID] = pseudonymise(user, key)
    return attributes


def _checked(header: str, value: str) -> str:
    if not _VALUE_RE.match(value):
        raise AttributionError(
            f"header {header}: must be 1 to 64 characters of letters, digits and ._:@/-"
        )
    return value


def current_attributes() -> Mapping[str, AttributeValue]:
    """The attributes bound to the current context (empty when none)."""
    value = otel_context.get_value(_CONTEXT_KEY)
    return value if isinstance(value, dict) else {}


@contextmanager
def bound_attributes(**attributes: AttributeValue) -> Iterator[None]:
    """Bind attributes (merged over the current ones) to every span started inside the block."""
    token = attach_attributes(attributes)
    try:
        yield
    finally:
        detach(token)


def attach_attributes(attributes: Mapping[str, AttributeValue]) -> object:
    """Bind attributes for the rest of a request; pass the token to `detach` at its end."""
    merged = {**current_attributes(), **attributes}
    return otel_context.attach(otel_context.set_value(_CONTEXT_KEY, merged))


def detach(token: object) -> None:
    """Undo `attach_attributes`."""
    otel_context.detach(token)  # type: ignore[arg-type]


class ContextAttributesSpanProcessor(SpanProcessor):
    """Copies the context-bound attributes onto each span at start (while it is writable)."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        value = otel_context.get_value(_CONTEXT_KEY, parent_context)
        if value is None and parent_context is not None:
            value = otel_context.get_value(_CONTEXT_KEY)  # instrumentations may pass their own
        if isinstance(value, dict) and value:
            span.set_attributes(value)

    def on_end(self, span: ReadableSpan) -> None:
        return None
