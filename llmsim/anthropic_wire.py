"""Anthropic Messages wire format: validation, cache-aware usage, responses, SSE events, errors."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from llmsim.completion import Completion
from llmsim.conversation import Conversation, Segment
from llmsim.openai_wire import retry_headers
from llmsim.prompt_cache import AnthropicCacheUse, Breakpoint, PrefixLRU, anthropic_cache_use
from llmsim.tokens import MESSAGE_OVERHEAD, split_tokens
from llmsim.wire import ChatRequest, ErrorReply, Frame, WireError, random_id, sse

PROVIDER = "anthropic"


def error(status: int, kind: str, message: str) -> ErrorReply:
    """Anthropic's error JSON: {"type": "error", "error": {type, message}, "request_id"}."""
    request_id = random_id("req_", 24)
    body: dict[str, object] = {
        "type": "error",
        "error": {"type": kind, "message": message},
        "request_id": request_id,
    }
    return ErrorReply(status, body, {"request-id": request_id})


def from_wire_error(err: WireError) -> ErrorReply:
    """The error response for a rejected request."""
    return error(err.status, err.kind, err.message)


def authorized(headers: Mapping[str, str]) -> bool:
    """Any non-empty x-api-key (or Bearer token, as the SDK's auth_token sends) is accepted."""
    if headers.get("x-api-key", "").strip():
        return True
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def unauthorized() -> ErrorReply:
    """401 as Anthropic sends it for a missing key."""
    return error(401, "authentication_error", "x-api-key header is required")


def _invalid(message: str) -> WireError:
    """A 400 invalid_request_error with Anthropic's "field: problem" message."""
    return WireError(400, "invalid_request_error", message)


def _cache_ttl(block: Mapping[str, Any], where: str) -> str | None:
    """The TTL of a block's cache_control ("5m" default), None when it has none."""
    control = block.get("cache_control")
    if control is None:
        return None
    if not isinstance(control, dict) or control.get("type") != "ephemeral":
        raise _invalid(f"{where}.cache_control.type: Input should be 'ephemeral'")
    ttl = control.get("ttl", "5m")
    if ttl not in ("5m", "1h"):
        raise _invalid(f"{where}.cache_control.ttl: Input should be '5m' or '1h'")
    return str(ttl)


def _blocks(content: object, where: str, overhead: int) -> list[Segment]:
    """Segments of a content value: a string, or a list of blocks (text, or others as JSON)."""
    if isinstance(content, str):
        return [Segment(content, overhead)]
    if not isinstance(content, list) or not content:
        raise _invalid(f"{where}: Input should be a valid string or a non-empty list of blocks")
    segments = []
    for n, block in enumerate(content):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise _invalid(f"{where}.{n}.type: Field required")
        text = block.get("text")
        if block["type"] == "text" and not isinstance(text, str):
            raise _invalid(f"{where}.{n}.text: Field required")
        body = text if isinstance(text, str) else json.dumps(block, sort_keys=True)
        segments.append(Segment(body, overhead if n == 0 else 0, _cache_ttl(block, f"{where}.{n}")))
    return segments


def _required(body: Mapping[str, Any], name: str) -> Any:
    """A required top-level field, or the 400 Anthropic sends when it is missing."""
    if body.get(name) is None:
        raise _invalid(f"{name}: Field required")
    return body[name]


def parse(body: object, cap: int) -> ChatRequest:
    """Validate a messages body; WireError names the offending field the way Anthropic does."""
    if not isinstance(body, dict):
        raise _invalid("Request body must be a JSON object")
    model = _required(body, "model")
    if not isinstance(model, str) or not model.strip():
        raise _invalid("model: Input should be a non-empty string")
    max_tokens = _required(body, "max_tokens")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise _invalid("max_tokens: Input should be an integer greater than or equal to 1")
    if max_tokens > cap:
        raise _invalid(
            f"max_tokens: {max_tokens} > {cap}, which is the maximum allowed number of output "
            f"tokens for {model}"
        )
    messages = _required(body, "messages")
    if not isinstance(messages, list) or not messages:
        raise _invalid("messages: at least one message is required")
    segments: list[Segment] = []
    tools = body.get("tools") or []
    if not isinstance(tools, list):
        raise _invalid("tools: Input should be a valid list")
    for n, tool in enumerate(tools):
        if not isinstance(tool, dict):
            raise _invalid(f"tools.{n}: Input should be an object")
        segments.append(
            Segment(json.dumps(tool, sort_keys=True), 0, _cache_ttl(tool, f"tools.{n}"))
        )
    system_raw = body.get("system")
    system_segments = _blocks(system_raw, "system", 0) if system_raw not in (None, "", []) else []
    segments += system_segments
    turns: list[tuple[str, str]] = []
    for n, message in enumerate(messages):
        if not isinstance(message, dict):
            raise _invalid(f"messages.{n}: Input should be an object")
        role = message.get("role")
        if role not in ("user", "assistant"):
            raise _invalid(f"messages.{n}.role: Input should be 'user' or 'assistant'")
        if "content" not in message:
            raise _invalid(f"messages.{n}.content: Field required")
        parts = _blocks(message["content"], f"messages.{n}.content", MESSAGE_OVERHEAD)
        segments += parts
        turns.append((str(role), "\n".join(p.text for p in parts)))
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _invalid("stream: Input should be a valid boolean")
    system = "\n".join(s.text for s in system_segments)
    conv = Conversation(PROVIDER, model, system, tuple(turns), tuple(segments))
    return ChatRequest(conv, int(max_tokens), stream)


def _breakpoints(conv: Conversation) -> tuple[int, list[Breakpoint]]:
    """Total prompt tokens and the cumulative count/digest at each cache_control block."""
    digest = hashlib.sha256(conv.model.encode())
    total = 0
    points = []
    for seg in conv.segments:
        pieces = split_tokens(seg.text)
        total += seg.overhead + len(pieces)
        digest.update(f"{seg.overhead}\x00{seg.text}\x01".encode())
        if seg.cache_ttl is not None:
            points.append(Breakpoint(total, seg.cache_ttl, digest.copy().digest()))
    return total, points


def usage(
    conv: Conversation, done: Completion, cache: PrefixLRU, min_tokens: int
) -> dict[str, Any]:
    """Usage with Anthropic's semantics: input_tokens excludes cache reads and writes."""
    total, points = _breakpoints(conv)
    used: AnthropicCacheUse = anthropic_cache_use(cache, points, min_tokens)
    return {
        "input_tokens": total - used.read - used.created,
        "output_tokens": done.output_tokens,
        "cache_creation_input_tokens": used.created,
        "cache_read_input_tokens": used.read,
        "cache_creation": {
            "ephemeral_5m_input_tokens": used.created - used.created_1h,
            "ephemeral_1h_input_tokens": used.created_1h,
        },
        "service_tier": "standard",
    }


def _message(
    req: ChatRequest, content: list[dict[str, Any]], stop: str | None, used: dict[str, Any]
) -> dict[str, Any]:
    """A message object (content, stop reason, usage) as Anthropic returns and streams it."""
    return {
        "id": random_id("msg_01"),
        "type": "message",
        "role": "assistant",
        "model": req.conv.model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": used,
    }


def response(req: ChatRequest, done: Completion, used: dict[str, Any]) -> dict[str, Any]:
    """A non-streaming message object."""
    stop = "max_tokens" if done.cut else "end_turn"
    return _message(req, [{"type": "text", "text": done.text}], stop, used)


def stream(req: ChatRequest, done: Completion, used: dict[str, Any]) -> Iterator[Frame]:
    """message_start, content_block_start, ping, deltas, content_block_stop, message_delta, stop."""

    def event(name: str, payload: dict[str, Any]) -> bytes:
        return sse(json.dumps({"type": name, **payload}, ensure_ascii=False).encode(), name)

    start_usage = {**used, "output_tokens": 1}
    yield Frame(event("message_start", {"message": _message(req, [], None, start_usage)}))
    yield Frame(
        event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
    )
    yield Frame(event("ping", {}))
    for piece in done.pieces:
        delta = {"index": 0, "delta": {"type": "text_delta", "text": piece}}
        yield Frame(event("content_block_delta", delta), 1)
    yield Frame(event("content_block_stop", {"index": 0}))
    final_usage = {
        key: used[key]
        for key in (
            "input_tokens",
            "cache_creation_input_tokens",
            "cache_read_input_tokens",
            "output_tokens",
        )
    }
    stop = "max_tokens" if done.cut else "end_turn"
    yield Frame(
        event(
            "message_delta",
            {"delta": {"stop_reason": stop, "stop_sequence": None}, "usage": final_usage},
        )
    )
    yield Frame(event("message_stop", {}))


def fault_reply(kind: str, model: str, retry_after_s: float) -> ErrorReply:
    """429 rate_limit_error, 500 api_error, 503 api_error, 529 overloaded_error."""
    if kind == "429":
        reply = error(
            429,
            "rate_limit_error",
            f"This request would exceed the rate limit for your organization of 50 requests "
            f"per minute for {model}. Please retry after {retry_after_s:g} seconds.",
        )
        reply.headers.update(retry_headers(retry_after_s))
        reply.headers["anthropic-ratelimit-requests-remaining"] = "0"
        return reply
    if kind == "500":
        return error(500, "api_error", "Internal server error")
    if kind == "503":
        return error(503, "api_error", "Service unavailable")
    return error(529, "overloaded_error", "Overloaded")


def models(names: list[str]) -> dict[str, Any]:
    """GET /v1/models in Anthropic's paginated list shape."""
    data = [
        {"type": "model", "id": n, "display_name": n, "created_at": "2025-01-01T00:00:00Z"}
        for n in names
    ]
    return {
        "data": data,
        "has_more": False,
        "first_id": names[0] if names else None,
        "last_id": names[-1] if names else None,
    }
