"""The request flow shared by both providers: auth, limits, validation, faults, reply."""

from __future__ import annotations

import json
import time

from llmsim.completion import ScenarioError, complete, parse_scenario
from llmsim.exchange import BodyTooLargeError, Exchange
from llmsim.faults import FaultSpecError, parse_fault_header
from llmsim.latency import first_token_delay, per_token_delay
from llmsim.providers import Provider
from llmsim.state import SimState
from llmsim.wire import ChatRequest, WireError

HTTP_FAULTS = ("429", "500", "503", "529")


def _read_request(ex: Exchange, state: SimState, provider: Provider) -> ChatRequest:
    """Body → validated request; raises WireError (or BodyTooLargeError) naming the problem."""
    problem = provider.precheck(ex.headers)
    if problem is not None:
        raise problem
    raw = ex.read_body(state.settings.max_body_bytes)
    try:
        body = json.loads(raw) if raw else None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise WireError(
            400, "invalid_request_error", f"Could not parse the JSON body of your request: {exc}"
        ) from None
    if body is None:
        raise WireError(
            400, "invalid_request_error", "Request body is empty: expected a JSON object."
        )
    return provider.parse(body, state.settings.max_tokens_cap)


def handle_chat(ex: Exchange, state: SimState, provider: Provider) -> None:
    """Serve one chat request (non-streaming or SSE), with faults and latency applied."""
    settings = state.settings
    if not provider.authorized(ex.headers):
        ex.send_error_reply(provider.unauthorized())
        state.stats.record(provider.name, "-", None, 401)
        return
    try:
        req = _read_request(ex, state, provider)
        header_fault = parse_fault_header(ex.headers.get("x-llmsim-fault"))
        forced = parse_scenario(ex.headers.get("x-llmsim-scenario"))
    except BodyTooLargeError as exc:
        reply = provider.too_large(exc.size, settings.max_body_bytes)
        ex.send_error_reply(reply, close=not exc.drained)
        state.stats.record(provider.name, "-", None, 413)
        return
    except WireError as exc:
        ex.send_error_reply(provider.wire_error(exc))
        state.stats.record(provider.name, "-", None, exc.status)
        return
    except (FaultSpecError, ScenarioError) as exc:
        ex.send_error_reply(provider.wire_error(WireError(400, "invalid_request_error", str(exc))))
        state.stats.record(provider.name, "-", None, 400)
        return
    model = req.conv.model
    fault = state.faults.choose(provider.name, model, header_fault, settings.fault_rates())
    if fault in HTTP_FAULTS:
        reply = provider.fault_reply(str(fault), model, settings.retry_after_s)
        ex.send_error_reply(reply)
        state.stats.record(provider.name, model, fault, reply.status)
        return
    if fault == "timeout":
        state.stats.record(provider.name, model, fault, 0)
        ex.hang(settings.timeout_hang_s)
        return
    _reply(ex, state, provider, req, forced, fault == "truncate")


def _reply(
    ex: Exchange,
    state: SimState,
    provider: Provider,
    req: ChatRequest,
    forced: dict[str, bool],
    truncate: bool,
) -> None:
    """Generate, account usage, pace and send the successful (or cut) reply."""
    settings = state.settings
    done = complete(req.conv, settings, forced, req.max_tokens)
    used = provider.usage(req.conv, done, state)
    first = first_token_delay(settings, req.conv.model, done.reasoning_tokens)
    per_token = per_token_delay(settings, req.conv.model)
    fault = "truncate" if truncate else None
    state.stats.record(provider.name, req.conv.model, fault, 200, done.kind)
    if req.stream:
        cut = max(1, len(done.pieces) // 2) if truncate else None
        ex.stream(
            provider.stream(req, done, used), provider.success_headers(), first, per_token, cut
        )
        return
    delay = first + per_token * len(done.pieces)
    if delay > 0:
        time.sleep(delay)
    body = provider.response(req, done, used)
    if truncate:
        ex.send_truncated_json(body, provider.success_headers())
    else:
        ex.send_json(200, body, provider.success_headers())
