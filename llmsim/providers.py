"""The two wire formats behind one interface, so the request flow is written once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from llmsim import anthropic_wire, openai_wire, responses_wire
from llmsim.completion import Completion
from llmsim.conversation import Conversation
from llmsim.state import SimState
from llmsim.wire import ChatRequest, ErrorReply, Frame, WireError, random_id

OPENAI_MODELS = [
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5.4-mini",
    "gpt-5.4-nano",
    "o3",
    "o4-mini",
]
ANTHROPIC_MODELS = ["claude-opus-4-7", "claude-sonnet-4-6", "claude-haiku-4-5"]


@dataclass(frozen=True)
class Provider:
    """What differs between OpenAI and Anthropic: shapes, auth, usage semantics."""

    name: str
    authorized: Callable[[Mapping[str, str]], bool]
    unauthorized: Callable[[], ErrorReply]
    precheck: Callable[[Mapping[str, str]], WireError | None]
    parse: Callable[[object, int], ChatRequest]
    usage: Callable[[Conversation, Completion, SimState], dict[str, Any]]
    response: Callable[[ChatRequest, Completion, dict[str, Any]], dict[str, Any]]
    stream: Callable[[ChatRequest, Completion, dict[str, Any]], Iterator[Frame]]
    fault_reply: Callable[[str, str, float], ErrorReply]
    wire_error: Callable[[WireError], ErrorReply]
    id_header: str
    models: Callable[[list[str]], dict[str, Any]]
    model_names: tuple[str, ...]

    def success_headers(self) -> dict[str, str]:
        """The request-id header each provider sends on every response."""
        return {self.id_header: random_id("req_", 24)}

    def too_large(self, size: int, limit: int) -> ErrorReply:
        """413 in this provider's shape."""
        message = f"Request body too large: {size} bytes, the maximum is {limit} bytes."
        kind = "invalid_request_error" if self.name == "openai" else "request_too_large"
        return self.wire_error(WireError(413, kind, message, None, "request_too_large"))


def _no_precheck(headers: Mapping[str, str]) -> WireError | None:
    """OpenAI requires no header besides the key."""
    return None


def _anthropic_precheck(headers: Mapping[str, str]) -> WireError | None:
    """Anthropic refuses requests without an anthropic-version header."""
    if not headers.get("anthropic-version", "").strip():
        return WireError(400, "invalid_request_error", "anthropic-version: header is required")
    return None


OPENAI = Provider(
    name="openai",
    authorized=openai_wire.authorized,
    unauthorized=openai_wire.unauthorized,
    precheck=_no_precheck,
    parse=openai_wire.parse,
    usage=lambda conv, done, state: openai_wire.usage(conv, done, state.openai_cache),
    response=openai_wire.response,
    stream=openai_wire.stream,
    fault_reply=openai_wire.fault_reply,
    wire_error=openai_wire.from_wire_error,
    id_header="x-request-id",
    models=openai_wire.models,
    model_names=tuple(OPENAI_MODELS),
)

ANTHROPIC = Provider(
    name="anthropic",
    authorized=anthropic_wire.authorized,
    unauthorized=anthropic_wire.unauthorized,
    precheck=_anthropic_precheck,
    parse=anthropic_wire.parse,
    usage=lambda conv, done, state: anthropic_wire.usage(
        conv, done, state.anthropic_cache, state.settings.anthropic_cache_min_tokens
    ),
    response=anthropic_wire.response,
    stream=anthropic_wire.stream,
    fault_reply=anthropic_wire.fault_reply,
    wire_error=anthropic_wire.from_wire_error,
    id_header="request-id",
    models=anthropic_wire.models,
    model_names=tuple(ANTHROPIC_MODELS),
)

RESPONSES = Provider(
    name="openai",
    authorized=openai_wire.authorized,
    unauthorized=openai_wire.unauthorized,
    precheck=_no_precheck,
    parse=responses_wire.parse,
    usage=lambda conv, done, state: responses_wire.usage(
        openai_wire.usage(conv, done, state.openai_cache)
    ),
    response=responses_wire.response,
    stream=responses_wire.stream,
    fault_reply=openai_wire.fault_reply,
    wire_error=openai_wire.from_wire_error,
    id_header="x-request-id",
    models=openai_wire.models,
    model_names=tuple(OPENAI_MODELS),
)
