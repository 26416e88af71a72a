"""Anthropic messages through the real anthropic SDK: shapes, SSE sequence, usage, cache_control."""

from __future__ import annotations

import asyncio

import anthropic
import pytest
from anthropic.types import Message

from tests.integration.llmsim.llmsim_harness import Sim

MODEL = "claude-haiku-4-5"
USER = [{"role": "user", "content": "Explain sourdough starters in a few sentences."}]
LONG_RULES = "House rules: seasonal, local produce; no waste; label allergens. " * 120


def test_message_object_and_usage(ant: anthropic.Anthropic) -> None:
    m = ant.messages.create(model=MODEL, max_tokens=400, messages=USER)  # type: ignore[arg-type]
    assert m.type == "message" and m.role == "assistant" and m.model == MODEL
    assert m.id.startswith("msg_")
    assert m.stop_reason == "end_turn"
    assert m.content[0].type == "text" and m.content[0].text
    assert m.usage.input_tokens > 0 and m.usage.output_tokens > 0
    assert m.usage.cache_read_input_tokens == 0 and m.usage.cache_creation_input_tokens == 0
    assert m._request_id is not None and m._request_id.startswith("req_")


def test_max_tokens_cut(ant: anthropic.Anthropic) -> None:
    m = ant.messages.create(model=MODEL, max_tokens=4, messages=USER)  # type: ignore[arg-type]
    assert m.stop_reason == "max_tokens"
    assert m.usage.output_tokens == 4


def test_raw_event_sequence(ant: anthropic.Anthropic) -> None:
    events = list(
        ant.messages.create(model=MODEL, max_tokens=400, messages=USER, stream=True)  # type: ignore[arg-type]
    )
    types = [e.type for e in events]
    assert types[:2] == ["message_start", "content_block_start"]
    assert types[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    deltas = [e for e in events if e.type == "content_block_delta"]
    assert deltas and set(types[2:-3]) == {"content_block_delta"}
    start = events[0]
    assert start.type == "message_start" and start.message.usage.input_tokens > 0
    delta = events[-2]
    assert delta.type == "message_delta" and delta.delta.stop_reason == "end_turn"
    assert delta.usage.output_tokens == len(deltas)  # cumulative, not incremental


def test_stream_helper_matches_non_streaming(ant: anthropic.Anthropic) -> None:
    full = ant.messages.create(model=MODEL, max_tokens=400, messages=USER)  # type: ignore[arg-type]
    with ant.messages.stream(model=MODEL, max_tokens=400, messages=USER) as stream:  # type: ignore[arg-type]
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == full.content[0].text  # type: ignore[union-attr]
    assert final.usage.output_tokens == full.usage.output_tokens
    assert final.usage.input_tokens == full.usage.input_tokens
    assert final.stop_reason == "end_turn"


def test_stream_cut_reports_max_tokens(ant: anthropic.Anthropic) -> None:
    with ant.messages.stream(model=MODEL, max_tokens=3, messages=USER) as stream:  # type: ignore[arg-type]
        final = stream.get_final_message()
    assert final.stop_reason == "max_tokens" and final.usage.output_tokens == 3


def test_cache_control_write_then_read(ant: anthropic.Anthropic) -> None:
    system = [{"type": "text", "text": LONG_RULES, "cache_control": {"type": "ephemeral"}}]
    ask = [{"role": "user", "content": "Plan tonight's specials."}]
    first = ant.messages.create(model=MODEL, max_tokens=200, system=system, messages=ask)  # type: ignore[arg-type]
    second = ant.messages.create(model=MODEL, max_tokens=200, system=system, messages=ask)  # type: ignore[arg-type]
    plain = ant.messages.create(model=MODEL, max_tokens=200, system=LONG_RULES, messages=ask)  # type: ignore[arg-type]
    written = first.usage.cache_creation_input_tokens
    assert written is not None and written >= 1024
    assert first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == written
    assert second.usage.cache_creation_input_tokens == 0
    # input_tokens excludes cache reads and writes (Anthropic's semantics)
    total = plain.usage.input_tokens
    assert plain.usage.cache_creation_input_tokens == 0
    assert first.usage.input_tokens + written == total
    assert second.usage.input_tokens + written == total
    assert first.usage.cache_creation is not None
    assert first.usage.cache_creation.ephemeral_5m_input_tokens == written


def test_cache_control_below_minimum_is_not_cached(ant: anthropic.Anthropic) -> None:
    system = [{"type": "text", "text": "Short rules.", "cache_control": {"type": "ephemeral"}}]
    for _ in range(2):
        m = ant.messages.create(model=MODEL, max_tokens=50, system=system, messages=USER)  # type: ignore[arg-type]
        assert m.usage.cache_creation_input_tokens == 0 and m.usage.cache_read_input_tokens == 0


def test_streamed_cache_usage(ant: anthropic.Anthropic) -> None:
    system = [
        {"type": "text", "text": LONG_RULES, "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    ]
    ant.messages.create(model=MODEL, max_tokens=50, system=system, messages=USER)  # type: ignore[arg-type]
    with ant.messages.stream(model=MODEL, max_tokens=50, system=system, messages=USER) as s:  # type: ignore[arg-type]
        final = s.get_final_message()
    assert final.usage.cache_read_input_tokens and final.usage.cache_read_input_tokens >= 1024
    assert final.usage.cache_creation_input_tokens == 0


def test_one_hour_ttl_is_reported(ant: anthropic.Anthropic) -> None:
    system = [
        {"type": "text", "text": LONG_RULES, "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    ]
    m = ant.messages.create(model=MODEL, max_tokens=50, system=system, messages=USER)  # type: ignore[arg-type]
    assert m.usage.cache_creation is not None
    assert m.usage.cache_creation.ephemeral_1h_input_tokens == m.usage.cache_creation_input_tokens


def test_deterministic(ant: anthropic.Anthropic) -> None:
    texts = [
        ant.messages.create(model=MODEL, max_tokens=400, messages=USER).content[0].text  # type: ignore[arg-type, union-attr]
        for _ in range(2)
    ]
    assert texts[0] == texts[1]


def test_async_client_and_stream(sim: Sim) -> None:
    async def run() -> tuple[str, str, int]:
        async with anthropic.AsyncAnthropic(base_url=sim.url, api_key="k", max_retries=0) as c:
            m = await c.messages.create(model=MODEL, max_tokens=400, messages=USER)  # type: ignore[arg-type]
            async with c.messages.stream(model=MODEL, max_tokens=400, messages=USER) as s:  # type: ignore[arg-type]
                streamed = "".join([t async for t in s.text_stream])
                final = await s.get_final_message()
            return m.content[0].text, streamed, final.usage.output_tokens  # type: ignore[union-attr]

    text, streamed, output = asyncio.run(run())
    assert text and text == streamed and output > 0


def test_models_list_in_anthropic_shape(ant: anthropic.Anthropic) -> None:
    ids = [m.id for m in ant.models.list()]
    assert ids and all(i.startswith("claude") for i in ids)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"model": anthropic.omit, "max_tokens": 10, "messages": USER}, "model"),
        ({"model": MODEL, "max_tokens": 10, "messages": anthropic.omit}, "messages"),
        ({"model": MODEL, "max_tokens": 10, "messages": []}, "messages"),
        ({"model": MODEL, "max_tokens": 10, "messages": [{"role": "bot", "content": "x"}]}, "role"),
    ],
)
def test_bad_requests_are_400_naming_the_field(
    ant: anthropic.Anthropic, kwargs: dict[str, object], needle: str
) -> None:
    with pytest.raises(anthropic.BadRequestError) as err:
        ant.messages.create(**kwargs)  # type: ignore[call-overload]
    assert err.value.status_code == 400
    assert err.value.type == "invalid_request_error"
    assert needle in (err.value.api_message or "")


def test_missing_max_tokens_is_400(ant: anthropic.Anthropic) -> None:
    # messages.create refuses to build this request, so send it with the SDK's generic post
    with pytest.raises(anthropic.BadRequestError) as err:
        ant.post("/v1/messages", body={"model": MODEL, "messages": USER}, cast_to=Message)
    assert err.value.api_message == "max_tokens: Field required"


def test_missing_anthropic_version_is_400(ant: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as err:
        ant.messages.create(
            model=MODEL,
            max_tokens=10,
            messages=USER,  # type: ignore[arg-type]
            extra_headers={"anthropic-version": anthropic.omit},  # type: ignore[dict-item]
        )
    assert "anthropic-version" in (err.value.api_message or "")
    assert ant.messages.create(model=MODEL, max_tokens=10, messages=USER).content  # type: ignore[arg-type]


def test_missing_key_is_401(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    client = anthropic.Anthropic(
        base_url=sim.url,
        api_key=None,
        max_retries=0,
        default_headers={"Authorization": anthropic.omit},  # type: ignore[dict-item]
    )
    with pytest.raises(anthropic.AuthenticationError) as err:
        client.messages.create(model=MODEL, max_tokens=10, messages=USER)  # type: ignore[arg-type]
    assert err.value.status_code == 401
    assert err.value.type == "authentication_error"
    assert err.value.request_id is not None


def test_max_tokens_over_cap_is_400(ant: anthropic.Anthropic, sim: Sim) -> None:
    sim.configure(max_tokens_cap=1000)
    with pytest.raises(anthropic.BadRequestError) as err:
        ant.messages.create(model=MODEL, max_tokens=1001, messages=USER)  # type: ignore[arg-type]
    assert (err.value.api_message or "").startswith("max_tokens: 1001 > 1000")
