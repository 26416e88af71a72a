"""OpenAI Responses API through the real openai SDK: object, events, usage, cuts, errors."""

from __future__ import annotations

import asyncio

import openai
import pytest

from tests.integration.llmsim.llmsim_harness import Sim

SOMMELIER = "You are the Sommelier of a fine-dining restaurant."


def test_response_object(oai: openai.OpenAI) -> None:
    r = oai.responses.create(
        model="gpt-4o", instructions=SOMMELIER, input="Pair a wine with Roast Duck (main)."
    )
    assert r.object == "response" and r.status == "completed" and r.id.startswith("resp_")
    assert r.output_text.startswith("WINE: ")
    chat = oai.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": SOMMELIER},
            {"role": "user", "content": "Pair a wine with Roast Duck (main)."},
        ],
    )
    assert r.output_text == chat.choices[0].message.content  # same generator, same request
    assert r.usage is not None and chat.usage is not None
    assert r.usage.input_tokens == chat.usage.prompt_tokens
    assert r.usage.output_tokens == chat.usage.completion_tokens
    assert r.usage.total_tokens == r.usage.input_tokens + r.usage.output_tokens


def test_message_items_and_cut(oai: openai.OpenAI) -> None:
    r = oai.responses.create(
        model="o3",
        input=[{"role": "user", "content": [{"type": "input_text", "text": "Tell me about rye."}]}],
        max_output_tokens=16,
    )
    assert r.status == "incomplete"
    assert r.incomplete_details is not None and r.incomplete_details.reason == "max_output_tokens"
    assert r.usage is not None and r.usage.output_tokens == 16
    assert 0 < r.usage.output_tokens_details.reasoning_tokens < 16
    assert [item.type for item in r.output] == ["reasoning", "message"]


def test_stream_events_and_final_response(oai: openai.OpenAI) -> None:
    with oai.responses.stream(model="gpt-4.1", input="Tell me about sourdough.") as stream:
        events = list(stream)
        final = stream.get_final_response()
    types = [e.type for e in events]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas and deltas == final.output_text
    assert final.usage is not None and final.usage.output_tokens == types.count(
        "response.output_text.delta"
    )


def test_bad_request_and_fault(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        oai.responses.create(model="gpt-4o", input="x", max_output_tokens=3)
    assert err.value.param == "max_output_tokens"
    with pytest.raises(openai.RateLimitError):
        oai.responses.create(model="gpt-4o", input="x", extra_headers={"x-llmsim-fault": "429"})


def test_async_responses(sim: Sim) -> None:
    async def run() -> str:
        async with openai.AsyncOpenAI(base_url=f"{sim.url}/v1", api_key="k", max_retries=0) as c:
            r = await c.responses.create(model="gpt-4o-mini", input="Name a cheese.")
            return r.output_text

    assert asyncio.run(run())
