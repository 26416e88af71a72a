"""OpenAI Chat Completions wire format: validation, usage, responses, SSE chunks, errors."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from typing import Any

from llmsim.completion import Completion
from llmsim.conversation import Conversation, Segment
from llmsim.latency import is_reasoning_model
from llmsim.prompt_cache import PrefixLRU, openai_cached_tokens
from llmsim.tokens import MESSAGE_OVERHEAD, REQUEST_OVERHEAD, split_tokens
from llmsim.wire import ChatRequest, ErrorReply, Frame, WireError, random_id, sse

PROVIDER = "openai"
ROLES = ("system", "developer", "user", "assistant", "tool", "function")
FINGERPRINT = "fp_llmsim"


def error(
    status: int, kind: str, message: str, param: str | None = None, code: str | None = None
) -> ErrorReply:
    """OpenAI's error JSON: {"error": {message, type, param, code}} plus x-request-id."""
    body: dict[str, object] = {
        "error": {"message": message, "type": kind, "param": param, "code": code}
    }
    return ErrorReply(status, body, {"x-request-id": random_id("req_", 32)})


def from_wire_error(err: WireError) -> ErrorReply:
    """The error response for a rejected request."""
    return error(err.status, err.kind, err.message, err.param, err.code)


def authorized(headers: Mapping[str, str]) -> bool:
    """Any non-empty Bearer key is accepted, like a valid key would be."""
    value = headers.get("authorization", "")
    scheme, _, key = value.partition(" ")
    return scheme.lower() == "bearer" and bool(key.strip())


def unauthorized() -> ErrorReply:
    """401 as OpenAI sends it for a missing key."""
    return error(
        401,
        "invalid_request_error",
        "You didn't provide an API key. You need to provide your API key in an Authorization "
        "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    )


def _invalid(message: str, param: str | None, code: str | None = "invalid_value") -> WireError:
    """A 400 invalid_request_error naming the parameter, as OpenAI sends it."""
    return WireError(400, "invalid_request_error", message, param, code)


def _text_of(content: object, param: str) -> str:
    """Text of a message's content: a string, or the text of its parts (others as JSON)."""
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, list):
        texts = []
        for n, part in enumerate(content):
            if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                raise _invalid(
                    f"Invalid '{param}[{n}]': expected an object with a 'type'.", f"{param}[{n}]"
                )
            text = part.get("text")
            texts.append(text if isinstance(text, str) else json.dumps(part, sort_keys=True))
        return "\n".join(texts)
    raise _invalid(
        f"Invalid type for '{param}': expected a string or an array of parts.",
        param,
        "invalid_type",
    )


def _messages(raw: object) -> tuple[str, list[tuple[str, str]]]:
    """System/developer text and the other turns, validated field by field."""
    if raw is None:
        raise _invalid(
            "Missing required parameter: 'messages'.", "messages", "missing_required_parameter"
        )
    if not isinstance(raw, list):
        raise _invalid(
            "Invalid type for 'messages': expected an array.", "messages", "invalid_type"
        )
    if not raw:
        raise _invalid(
            "Invalid 'messages': empty array. Expected an array with minimum length 1, "
            "but got an empty array instead.",
            "messages",
            "empty_array",
        )
    system: list[str] = []
    turns: list[tuple[str, str]] = []
    for n, message in enumerate(raw):
        if not isinstance(message, dict):
            raise _invalid(
                f"Invalid type for 'messages[{n}]': expected an object.",
                f"messages[{n}]",
                "invalid_type",
            )
        role = message.get("role")
        if role not in ROLES:
            raise _invalid(
                f"Invalid value: {role!r}. Supported values are: {', '.join(map(repr, ROLES))}.",
                f"messages[{n}].role",
            )
        text = _text_of(message.get("content"), f"messages[{n}].content")
        if role in ("system", "developer"):
            system.append(text)
        else:
            turns.append((str(role), text))
    return "\n".join(system), turns


def _max_tokens(body: Mapping[str, Any], model: str, cap: int) -> int | None:
    """max_completion_tokens, else max_tokens (refused for reasoning models, like OpenAI)."""
    for name in ("max_completion_tokens", "max_tokens"):
        value = body.get(name)
        if value is None:
            continue
        if name == "max_tokens" and is_reasoning_model(model):
            raise _invalid(
                "Unsupported parameter: 'max_tokens' is not supported with this model. "
                "Use 'max_completion_tokens' instead.",
                name,
                "unsupported_parameter",
            )
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise _invalid(f"Invalid '{name}': expected an integer of at least 1.", name)
        if value > cap:
            raise _invalid(
                f"{name} is too large: {value}. This model supports at most {cap} "
                "completion tokens.",
                name,
            )
        return int(value)
    return None


def parse(body: object, cap: int) -> ChatRequest:
    """Validate a chat-completions body; WireError names the offending field."""
    if not isinstance(body, dict):
        raise _invalid(
            "We could not parse the JSON body of your request. Expected an object.", None, None
        )
    model = body.get("model")
    if model is None:
        raise _invalid(
            "Missing required parameter: 'model'.", "model", "missing_required_parameter"
        )
    if not isinstance(model, str) or not model.strip():
        raise _invalid("Invalid 'model': expected a non-empty string.", "model")
    system, turns = _messages(body.get("messages"))
    stream = body.get("stream", False)
    if not isinstance(stream, bool) and stream is not None:
        raise _invalid("Invalid type for 'stream': expected a boolean.", "stream", "invalid_type")
    options = body.get("stream_options")
    if options is not None and not stream:
        raise _invalid(
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            "stream_options",
        )
    if options is not None and not isinstance(options, dict):
        raise _invalid(
            "Invalid type for 'stream_options': expected an object.",
            "stream_options",
            "invalid_type",
        )
    n = body.get("n", 1)
    if n not in (1, None):
        raise _invalid("llmsim supports only n=1.", "n")
    segments = [Segment(system, MESSAGE_OVERHEAD)] if system else []
    segments += [Segment(text, MESSAGE_OVERHEAD) for _, text in turns]
    if body.get("tools"):
        segments.insert(0, Segment(json.dumps(body["tools"], sort_keys=True)))
    conv = Conversation(PROVIDER, model, system, tuple(turns), tuple(segments))
    include_usage = bool(options and options.get("include_usage"))
    return ChatRequest(conv, _max_tokens(body, model, cap), bool(stream), include_usage)


def prompt_pieces(conv: Conversation) -> list[str]:
    """The prompt as token pieces: per-message overhead markers, content, reply priming."""
    pieces: list[str] = []
    for seg in conv.segments:
        pieces += ["<|msg|>"] * seg.overhead
        pieces += split_tokens(seg.text)
    return pieces + ["<|assistant|>"] * REQUEST_OVERHEAD


def usage(conv: Conversation, done: Completion, cache: PrefixLRU) -> dict[str, Any]:
    """Usage object; cached_tokens ⊂ prompt_tokens, reasoning_tokens ⊂ completion_tokens."""
    pieces = prompt_pieces(conv)
    cached = openai_cached_tokens(cache, conv.model, pieces)
    return {
        "prompt_tokens": len(pieces),
        "completion_tokens": done.output_tokens,
        "total_tokens": len(pieces) + done.output_tokens,
        "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": done.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def response(req: ChatRequest, done: Completion, used: dict[str, Any]) -> dict[str, Any]:
    """A non-streaming chat.completion object."""
    return {
        "id": random_id("chatcmpl-"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": req.conv.model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": done.text,
                    "refusal": None,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": "length" if done.cut else "stop",
            }
        ],
        "usage": used,
        "service_tier": "default",
        "system_fingerprint": FINGERPRINT,
    }


def stream(req: ChatRequest, done: Completion, used: dict[str, Any]) -> Iterator[Frame]:
    """chat.completion.chunk events: role, one per token, finish, usage (if asked), [DONE]."""
    base: dict[str, Any] = {
        "id": random_id("chatcmpl-"),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": req.conv.model,
        "service_tier": "default",
        "system_fingerprint": FINGERPRINT,
    }
    if req.include_usage:
        base["usage"] = None

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return sse(json.dumps({**base, "choices": [choice]}, ensure_ascii=False).encode())

    yield Frame(chunk({"role": "assistant", "content": "", "refusal": None}))
    for piece in done.pieces:
        yield Frame(chunk({"content": piece}), 1)
    yield Frame(chunk({}, "length" if done.cut else "stop"))
    if req.include_usage:
        yield Frame(sse(json.dumps({**base, "choices": [], "usage": used}).encode()))
    yield Frame(sse(b"[DONE]"))


def models(names: list[str]) -> dict[str, Any]:
    """GET /v1/models in OpenAI's list shape."""
    return {
        "object": "list",
        "data": [
            {"id": n, "object": "model", "created": 1_700_000_000, "owned_by": "llmsim"}
            for n in names
        ],
    }


def fault_reply(kind: str, model: str, retry_after_s: float) -> ErrorReply:
    """429/500/503 in OpenAI's shape; 529 (an Anthropic code) is sent as OpenAI's 503."""
    if kind == "429":
        reply = error(
            429,
            "requests",
            f"Rate limit reached for {model} in organization org-llmsim on requests per min "
            f"(RPM): Limit 500, Used 500, Requested 1. Please try again in {retry_after_s:g}s.",
            None,
            "rate_limit_exceeded",
        )
        reply.headers.update(retry_headers(retry_after_s))
        reply.headers["x-ratelimit-remaining-requests"] = "0"
        return reply
    if kind == "500":
        return error(
            500,
            "server_error",
            "The server had an error while processing your request. Sorry about that!",
        )
    return error(503, "server_error", "The engine is currently overloaded, please try again later.")


def retry_headers(seconds: float) -> dict[str, str]:
    """retry-after (whole seconds, as HTTP wants) and the SDKs' preferred retry-after-ms."""
    whole = int(seconds) if seconds == int(seconds) else int(seconds) + 1
    return {"retry-after": str(whole), "retry-after-ms": str(round(seconds * 1000))}
