"""OpenAI Responses API (`POST /v1/responses`): the same generator behind a different shape.

Accepts `model`, `input` (a string or a list of message items), `instructions` (system text),
`max_output_tokens` (>= 16) and `stream`; answers a `response` object or its SSE event sequence
(`response.created` ... `response.completed`, or `response.incomplete` when cut).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from typing import Any

from llmsim.completion import Completion
from llmsim.conversation import Conversation, Segment
from llmsim.latency import is_reasoning_model
from llmsim.openai_wire import PROVIDER
from llmsim.tokens import MESSAGE_OVERHEAD
from llmsim.wire import ChatRequest, Frame, WireError, random_id, sse

ROLES = ("user", "assistant", "system", "developer")
MIN_OUTPUT_TOKENS = 16


def _invalid(message: str, param: str | None, code: str | None = "invalid_value") -> WireError:
    """A 400 invalid_request_error naming the parameter, as OpenAI sends it."""
    return WireError(400, "invalid_request_error", message, param, code)


def _item_text(item: object, where: str) -> tuple[str, str]:
    """(role, text) of one input item; non-message items count as user text (their JSON)."""
    if not isinstance(item, dict):
        raise _invalid(f"Invalid type for '{where}': expected an object.", where, "invalid_type")
    if item.get("type", "message") != "message":
        return "user", json.dumps(item, sort_keys=True)
    role = item.get("role")
    if role not in ROLES:
        raise _invalid(
            f"Invalid value: {role!r}. Supported values are: {', '.join(ROLES)}.", f"{where}.role"
        )
    content = item.get("content")
    if isinstance(content, str):
        return str(role), content
    if not isinstance(content, list):
        raise _invalid(
            f"Missing required parameter: '{where}.content'.",
            f"{where}.content",
            "missing_required_parameter",
        )
    parts = [p.get("text") if isinstance(p, dict) else None for p in content]
    return str(role), "\n".join(p if isinstance(p, str) else "" for p in parts)


def _max_output(body: Mapping[str, Any], cap: int) -> int | None:
    """max_output_tokens, validated like the API does (at least 16, at most the cap)."""
    value = body.get("max_output_tokens")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < MIN_OUTPUT_TOKENS:
        raise _invalid(
            "Invalid 'max_output_tokens': integer below minimum value. "
            f"Expected a value >= {MIN_OUTPUT_TOKENS}.",
            "max_output_tokens",
            "integer_below_min_value",
        )
    if value > cap:
        raise _invalid(
            f"max_output_tokens is too large: {value}, at most {cap}.", "max_output_tokens"
        )
    return int(value)


def parse(body: object, cap: int) -> ChatRequest:
    """Validate a responses body; WireError names the offending parameter."""
    if not isinstance(body, dict):
        raise _invalid(
            "We could not parse the JSON body of your request. Expected an object.", None, None
        )
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        raise _invalid(
            "Missing required parameter: 'model'.", "model", "missing_required_parameter"
        )
    raw = body.get("input")
    if isinstance(raw, str):
        items = [("user", raw)]
    elif isinstance(raw, list) and raw:
        items = [_item_text(item, f"input[{n}]") for n, item in enumerate(raw)]
    else:
        raise _invalid(
            "Missing required parameter: 'input'.", "input", "missing_required_parameter"
        )
    instructions = body.get("instructions")
    if instructions is not None and not isinstance(instructions, str):
        raise _invalid(
            "Invalid type for 'instructions': expected a string.", "instructions", "invalid_type"
        )
    system = [instructions] if instructions else []
    system += [text for role, text in items if role in ("system", "developer")]
    turns = tuple((role, text) for role, text in items if role not in ("system", "developer"))
    stream = body.get("stream", False)
    if not isinstance(stream, bool) and stream is not None:
        raise _invalid("Invalid type for 'stream': expected a boolean.", "stream", "invalid_type")
    segments = tuple(Segment(text, MESSAGE_OVERHEAD) for text in [*system, *(t for _, t in turns)])
    conv = Conversation(PROVIDER, model, "\n".join(system), turns, segments)
    return ChatRequest(conv, _max_output(body, cap), bool(stream))


def usage(chat_usage: Mapping[str, Any]) -> dict[str, Any]:
    """The Responses usage shape from the chat-completions usage numbers."""
    return {
        "input_tokens": chat_usage["prompt_tokens"],
        "input_tokens_details": {
            "cached_tokens": chat_usage["prompt_tokens_details"]["cached_tokens"],
            "cache_write_tokens": 0,
        },
        "output_tokens": chat_usage["completion_tokens"],
        "output_tokens_details": {
            "reasoning_tokens": chat_usage["completion_tokens_details"]["reasoning_tokens"]
        },
        "total_tokens": chat_usage["total_tokens"],
    }


def _envelope(
    req: ChatRequest,
    rid: str,
    status: str,
    output: list[dict[str, Any]],
    used: dict[str, Any] | None,
) -> dict[str, Any]:
    """A response object around the output items; status completed, incomplete or in_progress."""
    incomplete = {"reason": "max_output_tokens"} if status == "incomplete" else None
    return {
        "id": rid,
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "incomplete_details": incomplete,
        "error": None,
        "model": req.conv.model,
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "max_output_tokens": req.max_tokens,
        "usage": used,
    }


def _message(mid: str, text: str, status: str) -> dict[str, Any]:
    """An assistant message output item with one output_text part."""
    part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    return {"id": mid, "type": "message", "status": status, "role": "assistant", "content": [part]}


def _reasoning_items(req: ChatRequest) -> list[dict[str, Any]]:
    """Reasoning models put a (summary-less) reasoning item before the message."""
    if not is_reasoning_model(req.conv.model):
        return []
    return [{"id": random_id("rs_"), "type": "reasoning", "summary": []}]


def response(req: ChatRequest, done: Completion, used: dict[str, Any]) -> dict[str, Any]:
    """A non-streaming response object."""
    status = "incomplete" if done.cut else "completed"
    output = [*_reasoning_items(req), _message(random_id("msg_"), done.text, status)]
    return _envelope(req, random_id("resp_"), status, output, used)


def stream(req: ChatRequest, done: Completion, used: dict[str, Any]) -> Iterator[Frame]:
    """The Responses SSE sequence; every event carries a sequence_number."""
    rid, mid = random_id("resp_"), random_id("msg_")
    status = "incomplete" if done.cut else "completed"
    counter = iter(range(1_000_000))

    def event(name: str, tokens: int = 0, **payload: object) -> Frame:
        data = {"type": name, "sequence_number": next(counter), **payload}
        return Frame(sse(json.dumps(data, ensure_ascii=False).encode(), name), tokens)

    yield event("response.created", response=_envelope(req, rid, "in_progress", [], None))
    yield event("response.in_progress", response=_envelope(req, rid, "in_progress", [], None))
    output = _reasoning_items(req)
    for index, item in enumerate(output):
        yield event("response.output_item.added", output_index=index, item=item)
        yield event("response.output_item.done", output_index=index, item=item)
    at: dict[str, Any] = {"item_id": mid, "output_index": len(output), "content_index": 0}
    empty = _message(mid, "", "in_progress")
    yield event(
        "response.output_item.added", output_index=len(output), item={**empty, "content": []}
    )
    yield event("response.content_part.added", **at, part=empty["content"][0])
    for piece in done.pieces:
        yield event("response.output_text.delta", 1, **at, delta=piece, logprobs=[])
    final = _message(mid, done.text, status)
    yield event("response.output_text.done", **at, text=done.text, logprobs=[])
    yield event("response.content_part.done", **at, part=final["content"][0])
    yield event("response.output_item.done", output_index=len(output), item=final)
    finished = _envelope(req, rid, status, [*output, final], used)
    yield event(f"response.{status}", response=finished)
